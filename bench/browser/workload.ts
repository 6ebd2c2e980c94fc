/**
 * The reference workload of issue 5 as a real bundle on disk: a catalog of
 * `items` items with 32-d embeddings (8 clusters plus noise), a user head
 * 32→64→64→1 initialized like the trainer does, 5 inner steps, at most 50
 * support events. Used by `npm run bench` and by the long-task browser test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWeights, sha256Hex } from '../../src/bundle/codec.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type Manifest, type WeightEntry } from '../../src/bundle/format.js';
import { initValues } from '../../src/core/params.js';
import { createRng } from '../../src/core/random.js';
import { recommenderSpecs, type RecommenderConfig } from '../../src/models/recommender.js';

export interface Workload {
  readonly items: number;
  readonly dim: number;
  readonly hidden: readonly number[];
  readonly steps: number;
  readonly maxSupport: number;
}

export const REFERENCE: Workload = { items: 10_000, dim: 32, hidden: [64, 64], steps: 5, maxSupport: 50 };

/** Writes manifest.json, weights.bin and items.bin for `w` into `dir`; returns the catalog ids. */
export async function writeWorkloadBundle(dir: string, w: Workload = REFERENCE, seed = 5): Promise<string[]> {
  const config: RecommenderConfig = { features: [], numIds: 0, dim: w.dim, hidden: [...w.hidden], feedback: 'implicit', ratingMean: 0, ratingStd: 1 };
  const ids = Array.from({ length: w.items }, (_, i) => `sku-${i}`);
  const rng = createRng(seed);
  const embeddings = new Float32Array(w.items * w.dim);
  for (let i = 0; i < w.items; i++) {
    for (let d = 0; d < w.dim; d++) embeddings[i * w.dim + d] = 0.3 * rng.normal();
    embeddings[i * w.dim + (i % 8)]! += 1; // 8 clusters ("categories")
  }
  const specs = recommenderSpecs(config);
  const all = [...specs.tower, ...specs.head];
  const entries: WeightEntry[] = all.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32', group: s.group }));
  const weights = encodeWeights(entries, all.map((s, i) => initValues(s, seed * 1000 + i)));
  const items = new Uint8Array(embeddings.buffer);
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    kind: 'recommender',
    version: `bench-${w.items}x${w.dim}-${w.hidden.join('x')}-s${seed}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: config,
    weightsManifest: [{ paths: ['weights.bin'], weights: entries }],
    catalog: { ids, embeddings: { path: 'items.bin', dtype: 'float32', shape: [w.items, w.dim] } },
    inner: { steps: w.steps, lr: 0.1, negativesPerPositive: 4, maxSupport: w.maxSupport },
    files: [
      { path: 'weights.bin', bytes: weights.byteLength, sha256: await sha256Hex(weights) },
      { path: 'items.bin', bytes: items.byteLength, sha256: await sha256Hex(items) },
    ],
    training: { dataset: 'synthetic benchmark workload (untrained head)' },
    metrics: {},
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'weights.bin'), weights);
  writeFileSync(join(dir, 'items.bin'), items);
  return ids;
}
