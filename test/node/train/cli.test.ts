import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('attune CLI', () => {
  it('help lists every command and its flags', async () => {
    expect(await main(['help'])).toBe(0);
    for (const text of ['attune synth', 'attune train', 'attune eval', 'attune default-bundle', '--meta-batch', '--inner-lr', '--format', 'movielens|csv']) expect(out).toContain(text);
  });

  it('unknown commands and flags fail with the valid choices and a non-zero exit code', async () => {
    expect(await main(['trian'])).toBe(2);
    expect(err).toMatch(/unknown command "trian"; valid commands: synth, train, eval, train-intents, eval-intents, default-bundle, help/);
    expect(await main(['train', '--fromat', 'csv'])).toBe(2);
    expect(err).toMatch(/unknown flag --fromat; valid flags: --data, --format/);
    expect(await main(['train', '--format', 'parquet', '--out', 'x'])).toBe(2);
    expect(err).toMatch(/--format parquet: valid choices are movielens, csv/);
    expect(await main(['train', '--format', 'csv', '--iterations', 'many', '--out', 'x'])).toBe(2);
    expect(err).toMatch(/--iterations needs a number/);
    expect(await main(['train', '--algo', 'sgd', '--format', 'csv', '--out', 'x'])).toBe(2);
    expect(err).toMatch(/--algo sgd: valid choices are maml, fomaml, reptile, metasgd, anil/);
    expect(await main(['synth'])).toBe(2);
    expect(err).toMatch(/--out DIR is required/);
  });

  it('data errors exit 1 naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-cli-'));
    expect(await main(['train', '--format', 'csv', '--data', dir, '--out', join(dir, 'b')])).toBe(1);
    expect(err).toMatch(/items\.csv: file not found/);
  });

  it('path problems are one clear line, and --out is checked before any training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-cli-'));
    expect(await main(['synth', '--out', join(dir, 'shop'), '--seed', '3', '--items', '32', '--visitors', '20'])).toBe(0);
    writeFileSync(join(dir, 'afile'), 'x');
    for (const out of [join(dir, 'afile'), join(dir, 'afile', 'sub')]) {
      err = '';
      expect(await main(['train', '--format', 'csv', '--data', join(dir, 'shop'), '--out', out])).toBe(2);
      expect(err).toMatch(/^attune: --out \S+afile(\/sub cannot be created: \S+afile)? is a file; give a folder/);
      expect(err).not.toMatch(/train \d|\n\s+at /); // no progress line (training never started), no stack
    }
    err = '';
    mkdirSync(join(dir, 'dirdata', 'interactions.csv'), { recursive: true });
    copyFileSync(join(dir, 'shop', 'items.csv'), join(dir, 'dirdata', 'items.csv'));
    expect(await main(['train', '--format', 'csv', '--data', join(dir, 'dirdata'), '--out', join(dir, 'b')])).toBe(1);
    expect(err).toMatch(/^attune: \S+interactions\.csv: is a folder, expected a CSV file\n$/);
  });

  it('a diverging run exits 1 naming the cause and writes no bundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-cli-'));
    expect(await main(['synth', '--out', join(dir, 'shop'), '--seed', '3', '--items', '32', '--visitors', '40'])).toBe(0);
    const args = ['train', '--data', join(dir, 'shop'), '--format', 'csv', '--inner-lr', '1e6', '--iterations', '3', '--meta-batch', '4', '--out', join(dir, 'bundle')];
    expect(await main(args)).toBe(1);
    expect(err).toMatch(/attune: meta-training diverged: .+ at iteration \d+; lower --inner-lr \/ --outer-lr/);
    expect(existsSync(join(dir, 'bundle'))).toBe(false);
  });

  it('synth then train writes a loadable bundle and a catalog', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-cli-'));
    expect(await main(['synth', '--out', join(dir, 'shop'), '--seed', '3', '--items', '32', '--visitors', '40'])).toBe(0);
    expect(out).toMatch(/32 products, 40 visitors/);
    const args = ['train', '--data', join(dir, 'shop'), '--format', 'csv', '--iterations', '3', '--meta-batch', '2', '--inner-steps', '2', '--dim', '8', '--out', join(dir, 'bundle'), '--catalog-json', join(dir, 'catalog.json'), '--split-out', join(dir, 'split.json')];
    expect(await main(args)).toBe(0);
    expect(err).toMatch(/train 3\/3 · 6 tasks · [\d.]+ tasks\/s · loss [\d.]+ · ETA 0s/);
    expect(out).toMatch(/held-out users: \d+ · nDCG@10 init [\d.]+ → adapted [\d.]+/);
    const manifest = JSON.parse(readFileSync(join(dir, 'bundle', 'manifest.json'), 'utf8'));
    expect(manifest.inner.steps).toBe(2);
    expect(manifest.training.heldOutUsers).toBe(8);
    expect(JSON.stringify(manifest)).not.toMatch(/"v\d+"/); // no user id (synth ids are v01…v40) of the logs in the public bundle
    const split = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8'));
    expect(split.heldOutUsers).toHaveLength(8);
    expect(split.trainUsers).toHaveLength(32);
    expect(existsSync(join(dir, 'bundle', 'items.bin'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8'))[0]).toMatchObject({ id: 'p01', category: expect.any(String) });
  });

  it('--holdout 0 trains on every user and says there is nothing to evaluate instead of printing NaN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-cli-'));
    expect(await main(['synth', '--out', join(dir, 'shop'), '--seed', '3', '--items', '32', '--visitors', '20'])).toBe(0);
    const args = ['train', '--data', join(dir, 'shop'), '--format', 'csv', '--iterations', '2', '--meta-batch', '2', '--inner-steps', '1', '--dim', '4', '--holdout', '0', '--out', join(dir, 'bundle')];
    expect(await main(args)).toBe(0);
    expect(out).toMatch(/no held-out users were evaluated/);
    expect(out).not.toMatch(/NaN/);
    expect(JSON.parse(readFileSync(join(dir, 'bundle', 'manifest.json'), 'utf8')).metrics).toEqual({ heldOutUsers: 0 });
  });
});
