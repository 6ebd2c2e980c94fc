import { describe, expect, it } from 'vitest';
import type { EventType, Interaction } from '../../../src/models/feedback.js';
import type { Dataset, DatasetInteraction } from '../../../src/node/data/dataset.js';
import { createBias, createCooccurrence, createMatrixFactorization, createPopularity, fitBias, fitMf, foldIn, predictMf, ratingTriples } from '../../../src/node/eval/baselines/index.js';
import { solveSpd } from '../../../src/node/eval/baselines/ridge.js';
import type { EvalSplit, EvalUser } from '../../../src/node/eval/types.js';

type Row = [user: string, item: number, type: EventType, value?: number];

const asData = (rows: number, feedback: Dataset['feedback'], interactions: DatasetInteraction[]): Dataset => ({
  name: 'toy',
  feedback,
  items: Array.from({ length: rows }, (_, i) => ({ id: `i${i}`, features: {}, display: {} })),
  features: [],
  interactions,
});
const toInteractions = (rows: Row[]): DatasetInteraction[] =>
  rows.map(([user, itemIndex, type, value], ts) => ({ user, itemIndex, type, ts, ...(value === undefined ? {} : { value }) }));
const ratings = (pairs: [number, number][]): Interaction[] => pairs.map(([item, value], ts) => ({ item, type: 'rating', value, ts }));

function split(rows: number, feedback: Dataset['feedback'], train: Row[], validation: EvalUser[] = [], extra: Row[] = []): EvalSplit {
  const t = toInteractions(train);
  // `extra` (test users' events) is in the dataset but not in `train`: no baseline may learn from it.
  return { protocol: 'toy', data: asData(rows, feedback, [...t, ...toInteractions(extra)]), train: t, validation, test: [] };
}

/** Two groups with opposite tastes: A-users rate rows 0–2 five and rows 3–5 one, B-users the reverse. Row 6 is never rated. */
function twoGroups(perGroup: number): Row[] {
  const out: Row[] = [];
  for (let u = 0; u < perGroup; u++) {
    for (let i = 0; i < 6; i++) {
      out.push([`A${u}`, i, 'rating', i < 3 ? 5 : 1]);
      out.push([`B${u}`, i, 'rating', i < 3 ? 1 : 5]);
    }
  }
  return out;
}

describe('popularity', () => {
  it('counts distinct training users per item, without impressions or test users', async () => {
    const s = split(4, 'implicit', [['u1', 0, 'view'], ['u1', 0, 'view'], ['u2', 0, 'purchase'], ['u2', 1, 'click'], ['u3', 2, 'impression']], [], [['test', 3, 'purchase']]);
    const scorer = await createPopularity(s);
    expect(scorer).toMatchObject({ name: 'popularity', family: 'baseline', predictsRatings: false });
    expect([...(await scorer.score([]))]).toEqual([2, 1, 0, 0]);
  });
});

describe('bias baseline', () => {
  // μ = (5 + 3 + 4 + 1 + 2) / 5 = 3; row 3 is never rated.
  const train: Row[] = [['u1', 0, 'rating', 5], ['u1', 1, 'rating', 3], ['u2', 0, 'rating', 4], ['u2', 2, 'rating', 1], ['u3', 1, 'rating', 2]];
  const support = ratings([[0, 5], [2, 2]]);

  it('predicts μ + b_i + b_u exactly (one round: item biases against μ)', async () => {
    const scorer = await createBias(split(4, 'rating', train), { itemShrinkage: 1, userShrinkage: 2, rounds: 1 });
    // b_0 = (2 + 1)/(1 + 2) = 1, b_1 = (0 − 1)/(1 + 2) = −1/3, b_2 = −2/(1 + 1) = −1, b_3 = 0 (unseen).
    // b_u = ((5 − 3 − 1) + (2 − 3 + 1)) / (2 + 2) = 1/4.
    const p = await scorer.score(support);
    expect(scorer.predictsRatings).toBe(true);
    [4.25, 3 - 1 / 3 + 0.25, 2.25, 3.25].forEach((want, row) => expect(p[row]).toBeCloseTo(want, 6));
  });

  it('alternates item and user biases (two rounds)', () => {
    const m = fitBias(ratingTriples(toInteractions(train), 4), 4, 1, 2, 2);
    // Training users' biases after round 1 (λ_u = 2): u1 = (1 + 1/3)/4 = 1/3, u2 = (0 − 1)/4 = −1/4, u3 = (−2/3)/3 = −2/9.
    // Round 2: b_0 = ((5 − 3 − 1/3) + (4 − 3 + 1/4))/3 = 35/36, b_1 = ((3 − 3 − 1/3) + (2 − 3 + 2/9))/3 = −10/27, b_2 = (1 − 3 + 1/4)/2 = −7/8.
    expect(m.mean).toBe(3);
    [35 / 36, -10 / 27, -7 / 8, 0].forEach((want, row) => expect(m.itemBias[row]).toBeCloseTo(want, 12));
  });

  it('clips predictions to the training scale', async () => {
    const scorer = await createBias(split(4, 'rating', train), { itemShrinkage: 0, userShrinkage: 0, rounds: 1 });
    const p = await scorer.score(ratings([[1, 5]]));
    // No shrinkage: b_0 = 1.5, b_1 = −0.5, b_u = 5 − 3 + 0.5 = 2.5, so row 0 → 3 + 1.5 + 2.5 = 7, clipped to 5.
    expect(p[0]).toBe(5);
  });

  it('chooses its shrinkage on validation users, and defaults without them', async () => {
    const validation = [{ user: 'v', support: ratings([[0, 5]]), query: ratings([[1, 5], [3, 1]]) }];
    const tuned = await createBias(split(4, 'rating', train, validation));
    expect([0, 1, 2, 5, 10, 25, 50]).toContain(tuned.chosen.itemShrinkage);
    expect([0, 1, 2, 5, 10, 25, 50]).toContain(tuned.chosen.userShrinkage);
    expect((await createBias(split(4, 'rating', train))).chosen).toMatchObject({ itemShrinkage: 25, userShrinkage: 10 });
  });

  it('refuses implicit data', async () => {
    await expect(createBias(split(2, 'implicit', [['u', 0, 'view']]))).rejects.toThrow(/bias predicts ratings.*implicit/);
  });
});

describe('matrix factorization', () => {
  it('solves small SPD systems exactly', () => {
    // [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0].
    expect([...solveSpd(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2)]).toEqual([0.5, 0]);
  });

  it("recovers a new user's group taste from two support ratings (bias alone cannot)", async () => {
    const s = split(7, 'rating', twoGroups(4));
    const mf = await createMatrixFactorization(s, { dim: 2, lambda: 0.1, foldBias: 1, foldFactors: 0.1 });
    const bias = await createBias(s, { itemShrinkage: 1, userShrinkage: 1 });
    // A new A-user: likes row 0, dislikes row 3.
    const support = ratings([[0, 5], [3, 1]]);
    const p = await mf.score(support);
    for (const row of [1, 2]) expect(p[row]).toBeGreaterThan(4.5);
    for (const row of [4, 5]) expect(p[row]).toBeLessThan(1.5);
    // Every item has as many 5s as 1s, so μ = 3 and b_i = 0, and this user's b_u = (2 − 2)/(1 + 2) = 0: a flat 3.
    const b = await bias.score(support);
    for (const row of [1, 2, 4, 5]) expect(b[row]).toBeCloseTo(3, 6);
  });

  it('folds in by ridge regression: the normal equations hold, and unseen items predict μ + b_u', async () => {
    const s = split(7, 'rating', twoGroups(3));
    const t = ratingTriples(s.train, 7);
    const model = fitMf(t, 7, { dim: 3, iterations: 5, lambda: 1, seed: 1 });
    const support = ratings([[0, 4], [4, 2], [6, 3]]);
    const x = foldIn(model, support, 2, 0.5);
    // Gradient of Σ (z·x − r')² + 2·x₀² + 0.5·|p|² is zero: Σ (z·x − r') z + diag(2, 0.5, …) x = 0, with z = [1, q_i], r' = r − μ − b_i.
    const grad = Array.from(x, (xi, k) => (k === 0 ? 2 : 0.5) * xi);
    for (const e of support) {
      const z = [1, ...model.itemFactors.slice(e.item * 3, e.item * 3 + 3)];
      const r = (e.value as number) - model.mean - (model.itemBias[e.item] as number);
      const resid = z.reduce((a, zk, k) => a + zk * (x[k] as number), 0) - r;
      z.forEach((zk, k) => (grad[k] = (grad[k] as number) + resid * zk));
    }
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-9);
    expect(model.itemBias[6]).toBe(0);
    expect([...model.itemFactors.slice(18, 21)]).toEqual([0, 0, 0]);
    expect(predictMf(model, x, 6)).toBeCloseTo(model.mean + (x[0] as number), 12);
  });

  it('chooses its penalties on validation users', async () => {
    const validation = [{ user: 'v', support: ratings([[1, 5]]), query: ratings([[2, 5], [5, 1]]) }];
    const mf = await createMatrixFactorization(split(7, 'rating', twoGroups(3), validation), { dim: 2, iterations: 3 });
    expect([10, 20, 30]).toContain(mf.chosen.lambda);
    expect([0.3, 1, 3, 10, 30, 100]).toContain(mf.chosen.foldFactors);
  });
});

describe('item-to-item co-occurrence', () => {
  // Histories: u1 {0, 1}, u2 {0, 1, 2}, u3 {2, 3}, u4 {3} (two views), u5 {2}, u6 {2}, u7 {1, 2}; u1's impression of row 4 is ignored.
  // Users per row: n = [2, 3, 5, 2, 0]; popularity = the same.
  const train: Row[] = [
    ['u1', 0, 'view'], ['u1', 1, 'click'], ['u1', 4, 'impression'], ['u2', 0, 'view'], ['u2', 1, 'purchase'], ['u2', 2, 'view'],
    ['u3', 2, 'view'], ['u3', 3, 'view'], ['u4', 3, 'view'], ['u4', 3, 'view'], ['u5', 2, 'view'], ['u6', 2, 'add_to_cart'], ['u7', 1, 'view'], ['u7', 2, 'view'],
  ];
  const support: Interaction[] = [{ item: 1, type: 'view', ts: 0 }];

  it('counts: ties in co-occurrence go to the more popular item', async () => {
    const scorer = await createCooccurrence(split(5, 'implicit', train), { normalize: 'count' });
    // Users of row 1: u1, u2, u7 → co-occurrence [2, 3, 2, 0, 0]. Order: row 1, then rows 2 and 0 (tied at 2; row 2 is more popular).
    // Ranks as scores: max popularity 5, 3 rows hit → 5 + 1 + 3 − rank: row 1 = 9, row 2 = 8, row 0 = 7; the rest keep their popularity.
    expect([...(await scorer.score(support))]).toEqual([7, 9, 8, 2, 0]);
    expect(scorer).toMatchObject({ name: 'cooccurrence', predictsRatings: false, chosen: { normalize: 'count' } });
  });

  it('cosine: a niche item that co-occurs as often beats a popular one', async () => {
    const scorer = await createCooccurrence(split(5, 'implicit', train));
    // cos(1, j) = count / √(n_1 n_j): row 0 = 2/√6 ≈ 0.82, row 1 = 3/√9 = 1, row 2 = 2/√15 ≈ 0.52.
    expect([...(await scorer.score(support))]).toEqual([8, 9, 7, 2, 0]);
  });

  it('chooses the normalization on validation users by full-catalog nDCG@10', async () => {
    const user = (liked: number): EvalUser => ({ user: 'v', support, query: [{ item: liked, type: 'purchase', ts: 1 }] });
    // A user who then buys row 2 is served better by counts (row 2 first), one who buys row 0 by cosine (row 0 first).
    expect((await createCooccurrence(split(5, 'implicit', train, [user(2)]))).chosen).toEqual({ normalize: 'count' });
    expect((await createCooccurrence(split(5, 'implicit', train, [user(0)]))).chosen).toEqual({ normalize: 'cosine' });
  });

  it('falls back to popularity without support', async () => {
    const scorer = await createCooccurrence(split(5, 'implicit', train));
    expect([...(await scorer.score([]))]).toEqual([2, 3, 5, 2, 0]);
  });
});
