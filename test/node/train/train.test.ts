import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAIN_ALGORITHMS, loadCsvDataset, ndcgAt, splitUser, synthShop, trainRecommender, trainingModel, writeShop, type Dataset } from 'attune/node';
import { createRecommender } from '../../../src/models/recommender.js';
import type { Interaction } from '../../../src/models/feedback.js';
import { TrainingDivergedError } from '../../../src/node/train/errors.js';

let shop: Dataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'attune-train-'));
  writeShop(dir, synthShop({ seed: 11, items: 48, visitors: 60 }));
  shop = loadCsvDataset(dir);
});

describe('ndcgAt', () => {
  it('uses gain 2^rel − 1 and a log2 discount', () => {
    expect(ndcgAt(10, [3, 2, 1], [5, 3, 1])).toBeCloseTo(1, 10);
    const dcg = (2 ** 1 - 1) / 1 + (2 ** 5 - 1) / Math.log2(3);
    const idcg = (2 ** 5 - 1) / 1 + (2 ** 1 - 1) / Math.log2(3);
    expect(ndcgAt(10, [2, 1], [1, 5])).toBeCloseTo(dcg / idcg, 10);
    expect(ndcgAt(1, [2, 1], [1, 5])).toBeCloseTo(1 / 31, 10);
    expect(ndcgAt(10, [1, 2], [0, 0])).toBeNull();
  });
});

describe('splitUser', () => {
  const base = { catalogSize: 20, ratingMean: 3, ratingStd: 1, negativesPerPositive: 2, maxSupport: 100, maxQuery: 50, queryNegatives: 3, seed: 1 };
  it('rating users: the first K rated items are support, later ones the query', () => {
    const events: Interaction[] = [5, 6, 7, 8, 9].map((item, ts) => ({ item, type: 'rating', value: 1 + ts, ts }));
    const s = splitUser(events, { ...base, feedback: 'rating', supportItems: 2 });
    expect(Array.from(s?.support.items ?? [])).toEqual([5, 6]);
    expect(Array.from(s?.support.y ?? [])).toEqual([-2, -1]);
    expect(Array.from(s?.query.items ?? [])).toEqual([7, 8, 9]);
    expect(Array.from(s?.relevance ?? [])).toEqual([3, 4, 5]);
  });
  it('implicit users: impressions do not count toward K, query excludes support items and samples negatives', () => {
    const events: Interaction[] = [
      { item: 1, type: 'impression', ts: 0 },
      { item: 2, type: 'click', ts: 1 },
      { item: 3, type: 'view', ts: 2 },
      { item: 2, type: 'purchase', ts: 3 },
      { item: 4, type: 'add_to_cart', ts: 4 },
    ];
    const s = splitUser(events, { ...base, feedback: 'implicit', supportItems: 2 });
    expect(Array.from(s?.support.items.slice(0, 3) ?? [])).toEqual([1, 2, 3]);
    expect(Array.from(s?.support.y.slice(0, 3) ?? [])).toEqual([0, 1, 1]);
    expect(s?.support.items.length).toBe(3 + 4);
    expect(s?.query.items[0]).toBe(4);
    expect(s?.query.items.length).toBe(1 + 3);
    expect([...(s?.query.items.slice(1) ?? [])].some((i) => i >= 1 && i <= 3)).toBe(false);
    expect(splitUser(events.slice(0, 3), { ...base, feedback: 'implicit', supportItems: 2 })).toBeNull();
  });
});

describe('trainRecommender', () => {
  it('the training model equals the recommender (outputs and gradients)', () => {
    const rec = createRecommender({ features: shop.features, numIds: shop.items.length, dim: 8, hidden: [6], feedback: 'implicit', ratingMean: 0, ratingStd: 1 });
    const fast = trainingModel(rec);
    const p = rec.full.init(5);
    const x = { feats: tf.randomNormal([7, p[0]?.shape[0] ?? 1]) as tf.Tensor2D, ids: tf.tensor1d([0, 3, 3, 9, 47, 1, 2], 'int32'), known: tf.tensor1d([1, 1, 0, 1, 1, 0, 1]) };
    const f = (m: typeof fast) => (...ps: tf.Tensor[]) => tf.sum(tf.square(m.apply(ps, x))) as tf.Scalar;
    const a = tf.grads(f(fast))(p);
    const b = tf.grads(f(rec.full))(p);
    expect(Array.from(fast.apply(p, x).dataSync())).toEqual(Array.from(rec.full.apply(p, x).dataSync()));
    a.forEach((g, i) => expect(tf.max(tf.abs(tf.sub(g, b[i] as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-5));
    tf.dispose([...p, ...a, ...b, x.feats, x.ids, x.known]);
  });

  it('is reproducible: the same seed gives identical weights, another seed different ones; no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const options = { iterations: 4, metaBatch: 3, innerSteps: 2, dim: 8, hidden: [8], evalUsers: 5, seed: 9 };
    const a = await trainRecommender(shop, options);
    const b = await trainRecommender(shop, options);
    const c = await trainRecommender(shop, { ...options, seed: 10 });
    a.params.forEach((p, i) => expect(Array.from(p.dataSync())).toEqual(Array.from((b.params[i] as tf.Tensor).dataSync())));
    expect(Array.from((a.params[0] as tf.Tensor).dataSync())).not.toEqual(Array.from((c.params[0] as tf.Tensor).dataSync()));
    expect(a.heldOutUsers).toEqual(b.heldOutUsers);
    expect(a.heldOutUsers.length).toBe(12);
    expect(a.trainUsers.some((u) => a.heldOutUsers.includes(u))).toBe(false);
    expect(a.training).toMatchObject({ algorithm: 'reptile', seed: 9, heldOutUsers: a.heldOutUsers.length });
    expect(Number.isFinite(a.metrics.ndcg10Adapted)).toBe(true);
    tf.dispose([...a.params, ...b.params, ...c.params]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs every listed algorithm and rejects unknown ones with the valid list', async () => {
    expect(TRAIN_ALGORITHMS).toEqual(['maml', 'fomaml', 'reptile', 'metasgd', 'anil', 'pretrain']);
    for (const algorithm of TRAIN_ALGORITHMS) {
      const r = await trainRecommender(shop, { algorithm, iterations: 2, metaBatch: 2, innerSteps: 1, dim: 4, hidden: [4], evalUsers: 3 });
      expect(r.params.every((p) => p.dataSync().every(Number.isFinite))).toBe(true);
      tf.dispose([...r.params, ...(r.lrs ?? [])]);
    }
    await expect(trainRecommender(shop, { algorithm: 'magic' })).rejects.toThrow(/unknown algorithm "magic"; valid: maml, fomaml, reptile, metasgd, anil, pretrain/);
  });

  it('a diverging run (huge inner rate) fails with TrainingDivergedError naming the iteration and the rates, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const error = await trainRecommender(shop, { innerLr: 1e6, iterations: 3, metaBatch: 4, evalUsers: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).code).toBe('training-diverged');
    expect((error as TrainingDivergedError).iteration).toBe(1);
    expect((error as Error).message).toMatch(/meta-training diverged: the loss is NaN at iteration 1; lower --inner-lr \/ --outer-lr/);
    // An outer step past float32's range: the loss it came from was finite, the parameters are not.
    const overflow = trainRecommender(shop, { outerLr: 1e39, iterations: 1, metaBatch: 2, innerSteps: 1, dim: 4, hidden: [4], evalUsers: 3 });
    await expect(overflow).rejects.toThrow(/meta-training diverged: parameters are not finite at iteration 1/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
