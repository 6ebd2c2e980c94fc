/** The MF warm start: θ0 of a linear-head recommender predicts MF's μ + b_i for every item seen in training. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecommender, encodeItemFeatures, type RecommenderConfig } from '../../../src/models/recommender.js';
import type { Dataset } from '../../../src/node/data/dataset.js';
import { ratingTriples } from '../../../src/node/eval/baselines/common.js';
import { fitMf } from '../../../src/node/eval/baselines/matrix-factorization.js';
import { mfWarmStart } from '../../../src/node/train/warm-start.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 6 items in 2 genres, 8 users who rate genre A high and genre B low (or the reverse), one item never rated. */
function tinyData(): Dataset {
  const items = Array.from({ length: 7 }, (_, i) => ({ id: `m${i}`, features: { genre: [i % 2 ? 'b' : 'a'] }, display: {} }));
  const interactions = [];
  for (let u = 0; u < 8; u++) {
    for (let i = 0; i < 6; i++) {
      const likesA = u % 2 === 0;
      const value = (i % 2 === 0) === likesA ? 5 - (i % 3 === 0 ? 1 : 0) : 1 + (u % 3);
      interactions.push({ user: `u${u}`, itemIndex: i, type: 'rating' as const, value, ts: u * 100 + i });
    }
  }
  return { name: 'tiny', feedback: 'rating', items, features: [{ name: 'genre', kind: 'multi', vocab: ['a', 'b'] }], interactions };
}

describe('mfWarmStart', () => {
  it("θ0 (linear head) predicts MF's μ + b_i for rated items and a finite feature-based score for the unrated one", () => {
    const before = tf.memory().numTensors;
    const data = tinyData();
    const values = data.interactions.map((e) => e.value as number);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const config: RecommenderConfig = { features: data.features, numIds: 7, dim: 4, hidden: [], feedback: 'rating', ratingMean: mean, ratingStd: std };
    const known = Float32Array.from({ length: 7 }, (_, i) => (i < 6 ? 1 : 0));
    const warm = mfWarmStart(data, config, known, 3);
    const mf = fitMf(ratingTriples(data.interactions, 7), 7, { dim: 3, iterations: 6, lambda: 20, seed: 3 });
    const model = createRecommender(config);
    const params = [...warm.tower, ...(warm.head ?? [])].map((v, i) => tf.tensor(v, [...model.full.specs[i]!.shape]));
    const predicted = tf.tidy(() => {
      const x = {
        feats: tf.tensor2d(encodeItemFeatures(config.features, data.items.map((it) => it.features)), [7, 2]),
        ids: tf.tensor1d([0, 1, 2, 3, 4, 5, 0], 'int32'),
        known: tf.tensor1d(known),
      };
      return [...model.full.apply(params, x).dataSync()].map((y) => y * std + mean);
    });
    for (let i = 0; i < 6; i++) expect(predicted[i]).toBeCloseTo(mf.mean + mf.itemBias[i]!, 4);
    expect(Number.isFinite(predicted[6])).toBe(true);
    // Genre A items are liked by half the users and B items rated low by the rest: the biases differ, so the test can fail.
    expect(Math.abs(mf.itemBias[0]! - mf.itemBias[1]!)).toBeGreaterThan(0.1);
    tf.dispose(params);
    expect(tf.memory().numTensors).toBe(before);
  });
});
