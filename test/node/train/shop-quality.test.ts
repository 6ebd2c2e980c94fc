import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCsvDataset, synthShop, trainRecommender, writeShop, writeTrainedBundle } from 'attune/node';
import { SHOP_SETTINGS } from '../../../src/cli/commands/default-bundle.js';
import { adapt } from '../../../src/core/adapt.js';
import { bceWithLogits } from '../../../src/core/losses.js';
import { createRng, shuffle } from '../../../src/core/random.js';
import { loadBundle, type LoadedBundle } from '../../../src/bundle/read.js';
import { toExamples } from '../../../src/models/feedback.js';
import { createRecommender } from '../../../src/models/recommender.js';

const fileFetch = (async (url: string | URL) => new Response(readFileSync(fileURLToPath(String(url))))) as typeof fetch;

let bundle: LoadedBundle;
let categories: string[];
beforeAll(async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'attune-shop-'));
  const shop = synthShop(SHOP_SETTINGS.synth);
  writeShop(join(dir, 'data'), shop);
  const data = loadCsvDataset(join(dir, 'data'));
  const started = performance.now();
  const result = await trainRecommender(data, SHOP_SETTINGS.train);
  console.log(`shop: trained in ${((performance.now() - started) / 1000).toFixed(1)} s; held-out nDCG@10 init ${result.metrics.ndcg10Init.toFixed(3)} → adapted ${result.metrics.ndcg10Adapted.toFixed(3)}`);
  await writeTrainedBundle(join(dir, 'bundle'), data, result);
  tf.dispose(result.params);
  bundle = await loadBundle(pathToFileURL(join(dir, 'bundle')).href, { fetch: fileFetch });
  categories = data.items.map((it) => String(it.features.category));
});

/** Adapts the bundle's head on five clicks (as the browser does) and returns the top 10 other rows. */
function topTenAfterClicks(clicked: number[]): number[] {
  const { manifest, weights, embeddings } = bundle;
  const model = createRecommender(manifest.model);
  const n = manifest.catalog.ids.length;
  const ex = toExamples(clicked.map((item, ts) => ({ item, type: 'click' as const, ts })), {
    feedback: 'implicit', catalogSize: n, ratingMean: 0, ratingStd: 1, negativesPerPositive: manifest.inner.negativesPerPositive,
  });
  return tf.tidy(() => {
    const head = weights.slice(model.towerSize).map((w, i) => tf.tensor(w, [...(model.head.specs[i]?.shape ?? [])]));
    const all = tf.tensor2d(embeddings, [n, manifest.model.dim]);
    const support = { x: tf.gather(all, tf.tensor1d(ex.items, 'int32')), y: tf.tensor1d(ex.y), w: tf.tensor1d(ex.w) };
    const theta = adapt(model.head, head, support, { steps: manifest.inner.steps, lr: manifest.inner.lr, loss: bceWithLogits });
    const scores = model.head.apply(theta, all).dataSync();
    return Array.from(scores, (s, i) => [s, i] as const).filter(([, i]) => !clicked.includes(i)).sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, i]) => i);
  });
}

describe('synthetic shop with the default-bundle settings', () => {
  it('five clicks in one category put ≥ 7 of that category in the top 10, for every category and several click sets', () => {
    const before = tf.memory().numTensors;
    const report: string[] = [];
    let worst = 10;
    for (const category of [...new Set(categories)]) {
      const rows = categories.flatMap((c, i) => (c === category ? [i] : []));
      const hits = [1, 2, 3, 4].map((trial) => {
        const clicked = shuffle([...rows], createRng(trial * 101)).slice(0, 5);
        return topTenAfterClicks(clicked).filter((i) => categories[i] === category).length;
      });
      worst = Math.min(worst, ...hits);
      report.push(`${category}: ${hits.join(',')}`);
    }
    console.log(`top-10 hits per category (4 click sets each): ${report.join(' · ')}`);
    expect(report).toHaveLength(8);
    expect(worst).toBeGreaterThanOrEqual(7);
    expect(tf.memory().numTensors).toBe(before);
  });
});
