/** `attune eval` from the command line on a small synthetic shop: every output file, every method and K, sane values. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { synthShop, writeShop } from '../../../src/node/synth/shop.js';

let err = '';
beforeEach(() => {
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('attune eval', () => {
  it('names itself, not attune train, when --data is missing', async () => {
    expect(await main(['eval', '--format', 'csv', '--out', join(tmpdir(), 'attune-eval-unused')])).toBe(2);
    expect(err).toMatch(/^attune: attune eval --format csv needs --data DIR/);
  });

  it('writes results.json, results.md and a chart per K metric for a generic CSV dataset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-eval-'));
    writeShop(join(dir, 'shop'), synthShop({ seed: 3, items: 60, visitors: 200, categories: 4 }));
    const out = join(dir, 'out');
    const methods = ['popularity', 'cooccurrence', 'global', 'finetune', 'reptile'];
    const code = await main(['eval', '--format', 'csv', '--data', join(dir, 'shop'), '--feedback', 'implicit', '--protocols', 'user', '--ks', '1,3', '--methods', methods.join(','), '--iterations', '4', '--max-test-users', '15', '--bootstrap', '200', '--out', out]);
    expect(code, err).toBe(0);
    expect(err).toMatch(/\[\d+\/\d+\] user-cold-start/); // the progress line
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const results = json.results as { method: string; k: number; metrics: Record<string, { mean: number; lo: number; hi: number; n: number }> }[];
    for (const k of [1, 3]) for (const m of methods) expect(results.some((r) => r.method === m && r.k === k), `${m} at K=${k}`).toBe(true);
    for (const r of results) {
      const recall = r.metrics.recall10!;
      expect(recall.n).toBeGreaterThan(0);
      expect(recall.lo).toBeLessThanOrEqual(recall.mean);
      expect(recall.mean).toBeLessThanOrEqual(recall.hi);
      expect(recall.hi).toBeLessThanOrEqual(1);
    }
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    for (const m of methods) expect(md).toContain(m);
    expect(existsSync(join(out, 'user-cold-start-recall10-vs-k.svg'))).toBe(true);
  }, 120_000);

  it('rejects a method that does not apply to the data, naming the valid ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-eval-'));
    writeShop(join(dir, 'shop'), synthShop({ seed: 3, items: 30, visitors: 40, categories: 3 }));
    expect(await main(['eval', '--format', 'csv', '--data', join(dir, 'shop'), '--feedback', 'implicit', '--methods', 'bias', '--out', join(dir, 'o')])).toBe(1);
    expect(err).toMatch(/unknown method\(s\) bias for implicit data; valid: popularity, cooccurrence/);
    expect(await main(['eval', '--format', 'csv', '--data', join(dir, 'shop'), '--ks', '0,2', '--out', join(dir, 'o')])).toBe(2);
    expect(err).toMatch(/--ks needs whole numbers ≥ 1/);
  });
});
