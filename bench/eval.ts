/**
 * `npm run bench:eval`: the full cold-start benchmark. Runs `attune eval` on
 * ML-100K (every protocol and method) and on the Taobao shop log (implicit,
 * user cold-start), then rewrites the section of docs/benchmarks.md between
 * `<!-- eval:start -->` and `<!-- eval:end -->` with the commands, the
 * tables, a computed verdict per protocol and the K charts (copied to
 * docs/eval/). `--only movielens|taobao` runs one; `--report-only` rebuilds
 * the section from the last results in eval-out/.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable } from '../src/node/eval/report.js';
import type { Interval, MethodResult, MetricName } from '../src/node/eval/types.js';

const ROOT = join(import.meta.dirname, '..');
const ITERATIONS = process.env.ATTUNE_EVAL_ITERATIONS ?? '150';

const RUNS = {
  movielens: { title: 'ML-100K (ratings)', out: 'eval-out/ml-100k', args: ['--format', 'movielens', '--iterations', ITERATIONS] },
  taobao: {
    title: 'Taobao shop log (implicit: view / fav / cart / buy)',
    out: 'eval-out/taobao',
    args: ['--format', 'taobao', '--protocols', 'user', '--ks', '1,3,5,10', '--methods', 'popularity,cooccurrence,global,finetune,reptile,metasgd', '--iterations', ITERATIONS, '--max-test-users', '60'],
  },
} as const;
type RunName = keyof typeof RUNS;

function run(name: RunName): void {
  const r = RUNS[name];
  const args = ['src/cli/main.ts', 'eval', ...r.args, '--out', r.out];
  console.log(`$ npm run attune -- ${args.slice(1).join(' ')}`);
  const done = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), ...args], { cwd: ROOT, stdio: 'inherit' });
  if (done.status !== 0) throw new Error(`attune eval (${name}) exited with ${done.status}`);
}

const better = (metric: MetricName, a: number, b: number): boolean => (metric === 'mae' || metric === 'rmse' ? a < b : a > b);

/** Best meta-learned vs best non-meta method on one metric of one protocol/K, with whether their intervals overlap. */
function verdict(rows: readonly MethodResult[], metric: MetricName): string | null {
  const best = (family: 'meta' | 'baseline') =>
    rows.filter((r) => r.family === family && r.metrics[metric]).reduce<MethodResult | null>((b, r) => (!b || better(metric, r.metrics[metric]!.mean, b.metrics[metric]!.mean) ? r : b), null);
  const meta = best('meta');
  const base = best('baseline');
  if (!meta || !base) return null;
  const m = meta.metrics[metric] as Interval;
  const b = base.metrics[metric] as Interval;
  const wins = better(metric, m.mean, b.mean);
  const separated = m.hi < b.lo || b.hi < m.lo;
  const d = meta.paired?.[metric];
  const pairedText = d ? `; paired difference ${d.mean.toFixed(4)} [${d.lo.toFixed(4)}, ${d.hi.toFixed(4)}] ${d.lo > 0 || d.hi < 0 ? 'excludes' : 'includes'} 0` : '';
  return `${metric}: best meta ${meta.method} ${m.mean.toFixed(4)} vs best baseline ${base.method} ${b.mean.toFixed(4)} — ${wins ? 'meta better' : 'baseline better'}, intervals ${separated ? 'do not overlap' : 'overlap'}${pairedText}`;
}

function section(name: RunName): string {
  const r = RUNS[name];
  const file = join(ROOT, r.out, 'results.json');
  if (!existsSync(file)) return previous(r.title) ?? `### ${r.title}\n\nNot run yet: \`npm run bench:eval -- --only ${name}\`.\n`;
  const { meta, results } = JSON.parse(readFileSync(file, 'utf8')) as { meta: { command: string; seconds: number; report: { splits: unknown[]; users: Record<string, number> } }; results: MethodResult[] };
  const keys = [...new Set(results.map((x) => `${x.protocol}|${x.k ?? ''}`))];
  const verdicts = keys.flatMap((key) => {
    const rows = results.filter((x) => `${x.protocol}|${x.k ?? ''}` === key);
    const lines = (['mae', 'ndcg3', 'recall10'] as MetricName[]).map((m) => verdict(rows, m)).filter(Boolean);
    return lines.length ? [`- **${key.replace('|', ' K=').replace(/ K=$/, '')}**: ${lines.join('; ')}`] : [];
  });
  mkdirSync(join(ROOT, 'docs/eval'), { recursive: true });
  const charts = readdirSync(join(ROOT, r.out)).filter((f) => f.endsWith('.svg') && /(mae|ndcg3|recall10)-vs-k/.test(f));
  for (const c of charts) copyFileSync(join(ROOT, r.out, c), join(ROOT, 'docs/eval', `${name}-${c}`));
  return [
    `### ${r.title}`,
    '',
    `Command: \`npm run attune -- ${meta.command.replace(/^attune /, '')}\` (${meta.seconds.toFixed(0)} s on the machine below). Users: ${JSON.stringify(meta.report.users)}.`,
    '',
    '**Best meta-learned method vs best non-meta baseline (95% bootstrap intervals):**',
    '',
    ...verdicts,
    '',
    ...charts.map((c) => `![${c}](eval/${name}-${c})`),
    '',
    markdownTable(results).replace(/^### /gm, '#### '),
  ].join('\n');
}

/**
 * The subsection `### title` as docs/benchmarks.md has it now: a run whose
 * results are not on this machine (eval-out/ is not committed) keeps its
 * published numbers instead of being wiped by a run of the other dataset.
 */
function previous(title: string): string | null {
  const doc = readFileSync(join(ROOT, 'docs/benchmarks.md'), 'utf8');
  const start = doc.indexOf(`### ${title}\n`);
  if (start < 0) return null;
  const rest = doc.slice(start + 4);
  const next = rest.search(/^### |^<!-- eval:end -->/m);
  const text = doc.slice(start, next < 0 ? undefined : start + 4 + next).trimEnd();
  return text.includes('Not run yet') ? null : text + '\n';
}

function writeDocs(): void {
  const path = join(ROOT, 'docs/benchmarks.md');
  const doc = readFileSync(path, 'utf8');
  const body = ['<!-- eval:start -->', '## Cold-start evaluation (issue 4)', '', 'Written by `npm run bench:eval` (see docs/evaluation.md for protocols, metrics and methods). Machine: 2 shared cores, Node 20, tfjs cpu backend.', '', ...(Object.keys(RUNS) as RunName[]).map(section), '<!-- eval:end -->'].join('\n');
  const start = doc.indexOf('<!-- eval:start -->');
  const end = doc.indexOf('<!-- eval:end -->');
  writeFileSync(path, start >= 0 && end > start ? doc.slice(0, start) + body + doc.slice(end + '<!-- eval:end -->'.length) : `${doc.trimEnd()}\n\n${body}\n`);
  console.log(`wrote the eval section of ${path}`);
}

const argv = process.argv.slice(2);
const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] as RunName) : null;
if (only && !(only in RUNS)) throw new Error(`--only ${only}: valid: ${Object.keys(RUNS).join(', ')}`);
if (!argv.includes('--report-only')) for (const name of only ? [only] : (Object.keys(RUNS) as RunName[])) run(name);
writeDocs();
