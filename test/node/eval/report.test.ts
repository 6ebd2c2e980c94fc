import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { niceTicks } from '../../../src/node/eval/chart.js';
import { markdownTable, separatedMetrics, writeReport } from '../../../src/node/eval/report.js';
import type { Interval, MethodResult } from '../../../src/node/eval/types.js';

const iv = (mean: number, half = 0.01, n = 90): Interval => ({ mean, lo: mean - half, hi: mean + half, n });

/** Two methods at K = 1 and 5 (one with awkward characters in its name), and a MeLU row. */
function results(): MethodResult[] {
  const out: MethodResult[] = [];
  for (const k of [1, 5]) {
    out.push({ method: 'bias', family: 'baseline', protocol: 'user-cold-start', k, metrics: { mae: iv(0.9 - k / 100), ndcg3: iv(0.70, 0.02) } });
    out.push({
      method: 'maml <fo> & "x"|y',
      family: 'meta',
      protocol: 'user-cold-start',
      k,
      metrics: { mae: iv(0.8 - k / 100), ndcg3: iv(0.71, 0.02) },
      paired: { mae: { ...iv(-0.1, 0.02), baseline: 'bias' }, ndcg3: { ...iv(0.01, 0.02), baseline: 'bias' } },
    });
  }
  out.push({ method: 'popularity', family: 'baseline', protocol: 'melu', metrics: { ndcg3: iv(0.6), recall10: iv(0.1) } });
  return out;
}

describe('writeReport', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'attune-report-')), 'nested', 'out');
  const written = writeReport(dir, results(), { command: 'attune eval --format movielens', dataset: 'toy', seconds: 12.3, seed: 1 });

  it('writes JSON that round-trips', () => {
    const parsed = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(parsed.results).toEqual(results());
    expect(parsed.meta).toEqual({ command: 'attune eval --format movielens', dataset: 'toy', seconds: 12.3, seed: 1 });
  });

  it('writes markdown with every method and metric, best per family in bold', () => {
    const md = readFileSync(join(dir, 'results.md'), 'utf8');
    expect(md).toContain('`attune eval --format movielens`');
    for (const heading of ['### user-cold-start, K = 1', '### user-cold-start, K = 5', '### melu']) expect(md).toContain(heading);
    for (const col of ['MAE', 'nDCG@3', 'Recall@10 (full)']) expect(md).toContain(col);
    expect(md).toContain('| bias | baseline | 90 | **0.8900 [0.8800, 0.9000]** | **0.7000 [0.6800, 0.7200]** |');
    // The pipe in the method name is escaped so the table keeps its columns.
    expect(md).toContain('| maml <fo> & "x"\\|y | meta | 90 | **0.7900 [0.7800, 0.8000]** |');
    expect(md).toContain('| popularity | baseline | 90 | **0.6000 [0.5900, 0.6100]** | **0.1000 [0.0900, 0.1100]** |');
    expect(md).toContain('non-overlapping 95% intervals: MAE.');
    expect(md).toContain('- MAE: maml <fo> & "x"\\|y − bias = -0.1000 [-0.1200, -0.0800] over 90 users: meta better');
    expect(md).toContain('- nDCG@3: maml <fo> & "x"\\|y − bias = 0.0100 [-0.0100, 0.0300] over 90 users: no difference shown');
    expect(md).toContain('![user-cold-start-mae-vs-k.svg](user-cold-start-mae-vs-k.svg)');
  });

  it('draws one chart per protocol and metric that varies with K', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.svg')).sort()).toEqual(['user-cold-start-mae-vs-k.svg', 'user-cold-start-ndcg3-vs-k.svg']);
    expect(written.charts).toHaveLength(2);
  });

  it('writes well-formed SVG: one polyline per method, text escaped, tags balanced', () => {
    const svg = readFileSync(join(dir, 'user-cold-start-mae-vs-k.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('maml &lt;fo&gt; &amp; &quot;x&quot;|y');
    expect(svg).not.toContain('<fo>');
    // Every polyline has one point per K.
    for (const m of svg.matchAll(/<polyline points="([^"]+)"/g)) expect(m[1]?.split(' ')).toHaveLength(2);
    // Tag balance: every opened element is closed in order (self-closing ones excepted).
    const stack: string[] = [];
    for (const [, close, name, self] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (self) continue;
      if (close) expect(stack.pop()).toBe(name);
      else stack.push(name as string);
    }
    expect(stack).toEqual([]);
    // Tick labels on both axes: K values and round metric values.
    expect(svg).toContain('>1</text>');
    expect(svg).toContain('>5</text>');
  });
});

describe('markdownTable and helpers', () => {
  it('marks a meta win only when the intervals do not overlap', () => {
    const rows: MethodResult[] = [
      { method: 'a', family: 'baseline', protocol: 'p', metrics: { mae: iv(0.9, 0.05), ndcg3: iv(0.7, 0.01) } },
      { method: 'b', family: 'meta', protocol: 'p', metrics: { mae: iv(0.85, 0.05), ndcg3: iv(0.8, 0.01) } },
    ];
    expect(separatedMetrics(rows)).toEqual(['ndcg3']);
    expect(markdownTable(rows)).toContain('non-overlapping 95% intervals: nDCG@3.');
  });

  it('picks round tick values', () => {
    expect(niceTicks(0.71, 0.93)).toEqual([0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
    expect(niceTicks(2, 2)).toEqual([2]);
  });
});
