import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBundle, type BundleInput } from 'attune/node';
import { loadBundle } from '../../../src/bundle/read.js';
import { encodeBundle } from '../../../src/bundle/write.js';
import { BundleError, InvalidInputError } from '../../../src/errors.js';
import { createRecommender, type RecommenderConfig } from '../../../src/models/recommender.js';

/** A fetch that serves file:// URLs from disk, so loadBundle reads what writeBundle wrote. */
const fileFetch = (async (url: string | URL) => {
  try {
    return new Response(readFileSync(fileURLToPath(String(url))));
  } catch {
    return new Response(null, { status: 404 });
  }
}) as typeof fetch;

const config: RecommenderConfig = {
  features: [
    { name: 'category', kind: 'categorical', vocab: ['a', 'b'] },
    { name: 'tags', kind: 'multi', vocab: ['x', 'y', 'z'] },
    { name: 'price', kind: 'numeric', mean: 10, std: 5 },
  ],
  numIds: 4,
  dim: 6,
  hidden: [5],
  feedback: 'implicit',
  ratingMean: 0,
  ratingStd: 1,
};
const R = Math.SQRT1_2;
const features = [
  { category: 'a', tags: ['x'], price: 5 },
  { category: 'b', tags: ['y', 'z'], price: 15 },
  { category: 'a', tags: [], price: null },
  { category: 'b', tags: ['x', 'z'], price: 12 },
  { category: 'c', tags: ['q'], price: 8 }, // a new item: no id embedding, unknown category
];

function input(params: tf.Tensor[]): BundleInput {
  return {
    config,
    params,
    catalog: { ids: ['i1', 'i2', 'i3', 'i4', 'i5'], features, known: [1, 1, 0, 1, 0] },
    inner: { steps: 3, lr: 0.2, negativesPerPositive: 4, maxSupport: 50 },
    training: { dataset: 'test' },
    metrics: { ndcg10Init: 0.5 },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('writeBundle', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('round-trips through loadBundle: weights, embeddings and manifest', async () => {
    const before = tf.memory().numTensors;
    const model = createRecommender(config);
    const params = model.full.init(3);
    const dir = mkdtempSync(join(tmpdir(), 'attune-bundle-'));
    const written = await writeBundle(dir, input(params));
    const loaded = await loadBundle(pathToFileURL(dir).href, { fetch: fileFetch });
    expect(loaded.manifest).toEqual(written);
    expect(loaded.manifest.version).toMatch(/^[0-9a-f]{16}$/);
    expect(loaded.entries.map((e) => e.name)).toEqual(model.full.specs.map((s) => s.name));
    params.forEach((p, i) => expect(Array.from(loaded.weights[i] as Float32Array)).toEqual(Array.from(p.dataSync())));
    // Embeddings equal the tower applied to every catalog item (unknown rows use features only).
    const expected = tf.tidy(() =>
      model.tower
        .apply(params.slice(0, model.towerSize), {
          // Hand-encoded rows: one-hot category | multi-hot tags (1/√n each) | standardized price.
          feats: tf.tensor2d([
            [1, 0, 1, 0, 0, -1],
            [0, 1, 0, R, R, 1],
            [1, 0, 0, 0, 0, 0],
            [0, 1, R, 0, R, 0.4],
            [0, 0, 0, 0, 0, -0.4],
          ]),
          ids: tf.tensor1d([0, 1, 2, 3, 0], 'int32'),
          known: tf.tensor1d([1, 1, 0, 1, 0]),
        })
        .dataSync(),
    );
    expect(loaded.embeddings.length).toBe(5 * config.dim);
    Array.from(expected).forEach((v, i) => expect(loaded.embeddings[i]).toBeCloseTo(v, 5));
    tf.dispose(params);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same version for the same content and a new one when weights change', async () => {
    const model = createRecommender(config);
    const a = model.full.init(1);
    const b = model.full.init(2);
    const v1 = (await writeBundle(mkdtempSync(join(tmpdir(), 'attune-v-')), input(a))).version;
    const v2 = (await writeBundle(mkdtempSync(join(tmpdir(), 'attune-v-')), { ...input(a), createdAt: '2027-01-01T00:00:00.000Z' })).version;
    const v3 = (await writeBundle(mkdtempSync(join(tmpdir(), 'attune-v-')), input(b))).version;
    expect(v2).toBe(v1);
    expect(v3).not.toBe(v1);
    tf.dispose([...a, ...b]);
  });

  it('a corrupted weights.bin makes loadBundle reject with bundle-hash-mismatch', async () => {
    const params = createRecommender(config).full.init(4);
    const dir = mkdtempSync(join(tmpdir(), 'attune-bad-'));
    await writeBundle(dir, input(params));
    tf.dispose(params);
    const path = join(dir, 'weights.bin');
    const bytes = readFileSync(path);
    bytes[10] = (bytes[10] as number) ^ 0xff; // same size, different content
    writeFileSync(path, bytes);
    const error = await loadBundle(pathToFileURL(dir).href, { fetch: fileFetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).code).toBe('bundle-hash-mismatch');
    expect((error as BundleError).message).toMatch(/weights\.bin/);
  });

  it('refuses to encode NaN params or non-finite item embeddings (InvalidInputError) and writes nothing', async () => {
    const params = createRecommender(config).full.init(5);
    const last = params.length - 1;
    const nan = [...params.slice(0, last), tf.fill((params[last] as tf.Tensor).shape, Number.NaN)];
    await expect(encodeBundle(input(nan))).rejects.toThrow(InvalidInputError);
    await expect(encodeBundle(input(nan))).rejects.toThrow(/params: weight head\/\S+ holds NaN: a bundle must hold finite numbers only \(did training diverge\?/);
    const dir = join(mkdtempSync(join(tmpdir(), 'attune-nan-')), 'bundle');
    await expect(writeBundle(dir, input(nan))).rejects.toThrow(InvalidInputError);
    expect(existsSync(dir)).toBe(false);
    // Finite weights can still overflow float32 in the tower: the embeddings are checked too.
    const huge = params.map((p) => tf.fill(p.shape, 3e38)); // each finite, their sum is not
    await expect(encodeBundle(input(huge))).rejects.toThrow(/catalog: the embedding of item i1 holds (-?Infinity|NaN)/);
    tf.dispose([...params, nan[last] as tf.Tensor, ...huge]);
  });

  for (const [file, at] of [['weights.bin', 7], ['items.bin', 2 * config.dim]] as const) {
    it(`loadBundle rejects a bundle whose ${file} holds NaN (bundle-malformed), even with matching hashes`, async () => {
      const params = createRecommender(config).full.init(6);
      const dir = mkdtempSync(join(tmpdir(), 'attune-nan-'));
      await writeBundle(dir, input(params));
      tf.dispose(params);
      const floats = new Float32Array(new Uint8Array(readFileSync(join(dir, file))).buffer);
      floats[at] = Number.NaN;
      const bytes = new Uint8Array(floats.buffer);
      writeFileSync(join(dir, file), bytes);
      // Re-sign the manifest so the hash check passes and only the values are wrong.
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      manifest.files.find((f: { path: string }) => f.path === file).sha256 = createHash('sha256').update(bytes).digest('hex');
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      const error = await loadBundle(pathToFileURL(dir).href, { fetch: fileFetch }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BundleError);
      expect((error as BundleError).code).toBe('bundle-malformed');
      expect((error as BundleError).message).toMatch(file === 'items.bin' ? /items\.bin holds non-finite values \(item i3 is NaN\)/ : /weights\.bin holds non-finite values \(weight \S+ is NaN\)/);
    });
  }
});
