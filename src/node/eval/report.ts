import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { svgChart } from './chart.js';
import { METRIC_NAMES, type Interval, type MethodResult, type MetricName } from './types.js';

/** Column titles; "full" marks full-catalog ranking metrics (against every item the user has not seen). */
export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  mae: 'MAE', rmse: 'RMSE', ndcg1: 'nDCG@1', ndcg3: 'nDCG@3', ndcg10: 'nDCG@10', recall10: 'Recall@10 (full)', fullNdcg10: 'nDCG@10 (full)',
};

/** Metrics where a smaller value is better. */
export const LOWER_IS_BETTER: ReadonlySet<MetricName> = new Set(['mae', 'rmse']);

/** What the run was, for the report's header and results.json. */
export interface ReportMeta {
  readonly command: string;
  readonly dataset: string;
  readonly seconds: number;
  readonly [key: string]: unknown;
}

export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly charts: readonly string[];
}

/** `mean [lo, hi]` with 4 decimals. */
export const formatInterval = (v: Interval): string => `${v.mean.toFixed(4)} [${v.lo.toFixed(4)}, ${v.hi.toFixed(4)}]`;

const better = (metric: MetricName, a: number, b: number): boolean => (LOWER_IS_BETTER.has(metric) ? a < b : a > b);

/** Results grouped by protocol and K, in first-seen order. */
export function groupResults(results: readonly MethodResult[]): { protocol: string; k?: number; rows: MethodResult[] }[] {
  const groups = new Map<string, { protocol: string; k?: number; rows: MethodResult[] }>();
  for (const r of results) {
    const key = `${r.protocol}\u0000${r.k ?? ''}`;
    const g = groups.get(key) ?? { protocol: r.protocol, ...(r.k === undefined ? {} : { k: r.k }), rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/**
 * The row with the best mean of `metric` within one family, or undefined.
 *
 * @example
 * bestOf(report.results.filter((r) => r.protocol === 'melu'), 'mae', 'baseline')?.method; // e.g. 'matrix-factorization'
 */
export function bestOf(rows: readonly MethodResult[], metric: MetricName, family: MethodResult['family']): MethodResult | undefined {
  let best: MethodResult | undefined;
  for (const r of rows) {
    const v = r.metrics[metric];
    if (r.family !== family || !v || Number.isNaN(v.mean)) continue;
    if (!best || better(metric, v.mean, (best.metrics[metric] as Interval).mean)) best = r;
  }
  return best;
}

/** Metrics where the best meta-learned method beats the best baseline and their 95% intervals do not overlap. */
export function separatedMetrics(rows: readonly MethodResult[]): MetricName[] {
  return METRIC_NAMES.filter((m) => {
    const meta = bestOf(rows, m, 'meta')?.metrics[m];
    const base = bestOf(rows, m, 'baseline')?.metrics[m];
    if (!meta || !base) return false;
    return LOWER_IS_BETTER.has(m) ? meta.hi < base.lo : meta.lo > base.hi;
  });
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(rows: readonly MethodResult[]): string {
  const metrics = METRIC_NAMES.filter((m) => rows.some((r) => r.metrics[m]));
  const best = new Set(metrics.flatMap((m) => [bestOf(rows, m, 'baseline'), bestOf(rows, m, 'meta')].map((r) => (r ? `${r.method}\u0000${m}` : ''))));
  const users = (r: MethodResult): number => Math.max(0, ...Object.values(r.metrics).map((v) => v?.n ?? 0));
  const lines = [
    `| method | family | users | ${metrics.map((m) => METRIC_LABELS[m]).join(' | ')} |`,
    `|---|---|---:|${metrics.map(() => '---').join('|')}|`,
    ...rows.map((r) => {
      const cells = metrics.map((m) => {
        const v = r.metrics[m];
        if (!v) return '–';
        return best.has(`${r.method}\u0000${m}`) ? `**${formatInterval(v)}**` : formatInterval(v);
      });
      return `| ${cell(r.method)} | ${r.family} | ${users(r)} | ${cells.join(' | ')} |`;
    }),
  ];
  const both = rows.some((r) => r.family === 'meta') && rows.some((r) => r.family === 'baseline');
  const separated = separatedMetrics(rows).map((m) => METRIC_LABELS[m]);
  lines.push('', `Bold: best baseline and best meta-learned method per column.${both ? ` Meta ahead of every baseline with non-overlapping 95% intervals: ${separated.join(', ') || 'none'}.` : ''}`);
  const paired = pairedLines(rows, metrics);
  if (paired.length) lines.push('', 'Paired per-user difference, best meta-learned method − best baseline (95% paired bootstrap interval; an interval that excludes 0 is a difference the test users support even where the intervals above overlap):', '', ...paired);
  return lines.join('\n');
}

/** One line per metric: the best meta method's paired difference from the best baseline, and which side of 0 its interval is on. */
function pairedLines(rows: readonly MethodResult[], metrics: readonly MetricName[]): string[] {
  return metrics.flatMap((m) => {
    const meta = bestOf(rows, m, 'meta');
    const d = meta?.paired?.[m];
    if (!meta || !d || d.n === 0) return [];
    const ahead = LOWER_IS_BETTER.has(m) ? d.hi < 0 : d.lo > 0;
    const behind = LOWER_IS_BETTER.has(m) ? d.lo > 0 : d.hi < 0;
    const verdict = ahead ? 'meta better' : behind ? 'baseline better' : 'no difference shown';
    return [`- ${METRIC_LABELS[m]}: ${cell(meta.method)} − ${cell(d.baseline)} = ${formatInterval(d)} over ${d.n} users: ${verdict}`];
  });
}

/**
 * Markdown tables, one per protocol and K: rows are methods, columns the
 * metrics as `mean [lo, hi]` (95% bootstrap interval over test users).
 *
 * @example
 * console.log(markdownTable(report.results));
 */
export function markdownTable(results: readonly MethodResult[]): string {
  return groupResults(results)
    .map((g) => `### ${cell(g.protocol)}${g.k === undefined ? '' : `, K = ${g.k}`}\n\n${table(g.rows)}\n`)
    .join('\n');
}

const fileSafe = (s: string): string => s.replace(/[^\w.-]+/g, '-');

/** Every (protocol, metric) measured at two or more K, as chart inputs. */
function chartsToDraw(results: readonly MethodResult[]): { protocol: string; metric: MetricName }[] {
  const out: { protocol: string; metric: MetricName }[] = [];
  for (const protocol of new Set(results.map((r) => r.protocol))) {
    const rows = results.filter((r) => r.protocol === protocol && r.k !== undefined);
    for (const metric of METRIC_NAMES) {
      if (new Set(rows.filter((r) => r.metrics[metric]).map((r) => r.k)).size >= 2) out.push({ protocol, metric });
    }
  }
  return out;
}

/**
 * Writes an evaluation to `dir` (created if missing): `results.json`
 * (`{ meta, results }`), `results.md` (a header and `markdownTable`), and
 * `<protocol>-<metric>-vs-k.svg` for every metric measured at several K.
 *
 * @example
 * const written = writeReport('results/ml-100k', report.results, { command: 'attune eval --dataset movielens', dataset: report.dataset, seconds: report.seconds });
 */
export function writeReport(dir: string, results: readonly MethodResult[], meta: ReportMeta): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'results.json');
  writeFileSync(json, `${JSON.stringify({ meta, results }, null, 2)}\n`);
  const charts = chartsToDraw(results).map(({ protocol, metric }) => {
    const file = join(dir, `${fileSafe(protocol)}-${metric}-vs-k.svg`);
    writeFileSync(file, svgChart(results.filter((r) => r.protocol === protocol), metric, `${protocol}: ${METRIC_LABELS[metric]} vs K (${LOWER_IS_BETTER.has(metric) ? 'lower' : 'higher'} is better)`));
    return file;
  });
  const links = charts.map((f) => `![${f.slice(dir.length + 1)}](${f.slice(dir.length + 1)})`);
  const header = [`# attune eval: ${meta.dataset}`, '', `\`${meta.command}\` · ${meta.seconds.toFixed(0)} s`, ''];
  const markdown = join(dir, 'results.md');
  writeFileSync(markdown, [...header, markdownTable(results), ...(links.length ? ['## Charts', '', ...links, ''] : [])].join('\n'));
  return { json, markdown, charts };
}
