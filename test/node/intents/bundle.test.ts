import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BundleError, checkManifest, DEFAULT_FEATURIZER, loadBundle, loadIntentBundle } from 'attune';
import { initEncoder, writeIntentBundle } from 'attune/node';
import { fileFetch } from './bundle-fetch.js';

const config = { featurizer: { ...DEFAULT_FEATURIZER, buckets: 1 << 10 }, rows: 128, dim: 8, hidden: 16 };
let dir = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'attune-intent-bundle-'));
  const params = initEncoder(config, 5);
  await writeIntentBundle(dir, { config, params, idf: new Float32Array(1 << 10).fill(1.5), prior: true, inner: { steps: 4, lr: 0.02 }, threshold: 0.4, intents: [{ name: 'hello', examples: ['hi there'] }] });
  tf.dispose(params);
});

const load = (d = dir) => loadIntentBundle('http://b/', { fetch: fileFetch('http://b/', d) });

describe('intent bundle (kind "intent")', () => {
  it('round-trips encoder weights, idf, settings and starter intents', async () => {
    const b = await load();
    expect(b.manifest.kind).toBe('intent');
    expect(b.manifest.model).toMatchObject({ rows: 128, dim: 8, hidden: 16, prior: true });
    expect(b.entries.map((e) => e.name)[0]).toBe('encoder/embedding');
    expect(b.weights[0]?.length).toBe(128 * 8);
    expect(b.idf.length).toBe(1024);
    expect(b.idf[7]).toBeCloseTo(1.5);
    expect(b.manifest.intents).toEqual([{ name: 'hello', examples: ['hi there'] }]);
    expect(b.manifest.outOfScope.threshold).toBe(0.4);
  });

  it('refuses a tampered weights file and a malformed manifest, naming the problem', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'attune-intent-bad-'));
    const weights = readFileSync(join(dir, 'weights.bin'));
    weights[100] = (weights[100] as number) ^ 0xff;
    writeFileSync(join(bad, 'weights.bin'), weights);
    writeFileSync(join(bad, 'manifest.json'), readFileSync(join(dir, 'manifest.json')));
    await expect(load(bad)).rejects.toMatchObject({ code: 'bundle-hash-mismatch' });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(bad, 'manifest.json'), JSON.stringify({ ...manifest, model: { ...manifest.model, rows: 3 } }));
    await expect(load(bad)).rejects.toThrow(/model\.rows/);
  });

  it('is refused by the recommender reader with a pointer to createAssistant, and vice versa', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(() => checkManifest(manifest)).toThrow(/createAssistant/);
    await expect(loadBundle('http://b/', { fetch: fileFetch('http://b/', dir) })).rejects.toBeInstanceOf(BundleError);
    const shop = join(dir, '../attune-intent-none');
    await expect(load(shop)).rejects.toBeInstanceOf(BundleError);
  });
});
