import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../../src/models/feedback.js';
import { bootstrapInterval, pairedDifference, summarizeMetrics } from '../../../src/node/eval/bootstrap.js';
import { rankingMetrics, ratingMetrics, topK } from '../../../src/node/eval/metrics.js';
import { createRng } from '../../../src/core/random.js';

const rating = (item: number, value: number, ts = 0): Interaction => ({ item, type: 'rating', value, ts });
const event = (item: number, type: Interaction['type'], ts = 0): Interaction => ({ item, type, ts });

describe('ratingMetrics', () => {
  // Query: row 0 rated 4, row 1 rated 5, row 2 rated 1, row 3 rated 5 at t=1 and 2 at t=5 (the latest counts).
  // Listed out of row order, so the tie rule (lower row first) cannot come from the list order.
  const query = [rating(1, 5), rating(0, 4), rating(3, 2, 5), rating(2, 1), rating(3, 5, 1)];
  // Predictions: rows 0 and 1 tie at 4.5; row 9 is not in the query and must not matter.
  const scores = Float32Array.from([4.5, 4.5, 2, 3, 0, 0, 0, 0, 0, 5]);

  it('computes MAE, RMSE and MeLU nDCG@1/3/10 exactly', () => {
    const m = ratingMetrics(scores, query);
    // Errors: +0.5, −0.5, +1, +1 → MAE = 3/4, RMSE = √((0.25 + 0.25 + 1 + 1)/4) = √0.625.
    expect(m.mae).toBeCloseTo(0.75, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.625), 12);
    // Ranking by score, ties to the lower row: row 0 (gain 2^4−1 = 15), row 1 (31), row 3 (2^2−1 = 3), row 2 (1).
    // Ideal order: 31, 15, 3, 1.
    expect(m.ndcg1).toBeCloseTo(15 / 31, 12);
    const dcg3 = 15 + 31 / Math.log2(3) + 3 / 2;
    const idcg3 = 31 + 15 / Math.log2(3) + 3 / 2;
    expect(m.ndcg3).toBeCloseTo(dcg3 / idcg3, 12);
    // Only 4 query items: nDCG@10 ranks them all.
    expect(m.ndcg10).toBeCloseTo((dcg3 + 1 / Math.log2(5)) / (idcg3 + 1 / Math.log2(5)), 12);
  });

  it('is perfect when the scores order the items like the ratings', () => {
    const m = ratingMetrics(Float32Array.from([4, 5, 1, 2]), query);
    expect(m).toEqual({ mae: 0, rmse: 0, ndcg1: 1, ndcg3: 1, ndcg10: 1 });
  });

  it('returns nothing for a query without ratings', () => {
    expect(ratingMetrics(scores, [event(0, 'view')])).toEqual({});
  });
});

describe('topK', () => {
  it('matches a full sort (score desc, row asc) on random scores with ties and NaN', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 50; trial++) {
      const scores = Float32Array.from({ length: 40 }, () => (rng.next() < 0.1 ? Number.NaN : rng.int(8)));
      const key = (r: number): number => (Number.isNaN(scores[r] as number) ? -Infinity : (scores[r] as number));
      const skip = (r: number): boolean => r % 7 === 3;
      const rows = [...scores.keys()].filter((r) => !skip(r)).sort((a, b) => key(b) - key(a) || a - b);
      expect(topK(scores, 10, skip)).toEqual(rows.slice(0, 10));
    }
  });

  it('returns fewer than k rows when the catalog is smaller', () => {
    expect(topK([1, 3, 2], 10)).toEqual([1, 2, 0]);
  });
});

describe('rankingMetrics (full catalog)', () => {
  const positive = (e: Interaction): boolean => e.type === 'purchase' || e.type === 'add_to_cart';
  // 14 rows; the score falls with the row, except rows 12 and 13, which tie.
  const scores = Float32Array.from([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 2]);
  const support = [event(0, 'view'), event(2, 'purchase')];
  // Relevant: rows 1, 5, 13. Row 3 was only viewed (not a candidate, not relevant);
  // row 2 is bought again but is in the support (not a candidate, not relevant).
  const query = [event(1, 'purchase'), event(3, 'view'), event(5, 'add_to_cart'), event(5, 'view'), event(13, 'purchase'), event(2, 'purchase')];

  it('computes Recall@10 = hits / #relevant and binary nDCG@10 exactly', () => {
    // Candidates by score: 1, 4, 5, 6, 7, 8, 9, 10, 11, then 12 and 13 tie for 10th: the lower row (12) wins.
    // Hits: row 1 at rank 1, row 5 at rank 3 → recall 2/3, DCG = 1 + 1/log2(4) = 1.5,
    // ideal DCG (3 relevant) = 1 + 1/log2(3) + 1/log2(4).
    const m = rankingMetrics(scores, support, query, { positive });
    expect(m.recall10).toBeCloseTo(2 / 3, 12);
    expect(m.fullNdcg10).toBeCloseTo(1.5 / (1.5 + 1 / Math.log2(3)), 12);
  });

  it('ranks NaN scores last', () => {
    const broken = scores.slice();
    broken[4] = Number.NaN;
    // Now the top 10 candidates are 1, 5, 6, …, 13: every relevant row is a hit, at ranks 1, 2 and 10.
    const m = rankingMetrics(broken, support, query, { positive });
    expect(m.recall10).toBe(1);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(m.fullNdcg10).toBeCloseTo((1 + 1 / Math.log2(3) + 1 / Math.log2(11)) / ideal, 12);
  });

  it('returns nothing without a relevant item', () => {
    expect(rankingMetrics(scores, support, [event(3, 'view'), event(2, 'purchase')], { positive })).toEqual({});
  });
});

describe('bootstrapInterval', () => {
  it('is degenerate when every value is equal', () => {
    expect(bootstrapInterval([0.3, 0.3, 0.3, 0.3], { seed: 5 })).toEqual({ mean: 0.3, lo: 0.3, hi: 0.3, n: 4 });
  });

  it('covers the resampled means of two values (0, ½, 1) from end to end', () => {
    // Means of 2 draws from {0, 1}: 0 (p ¼), ½ (p ½), 1 (p ¼): the 2.5th percentile is 0, the 97.5th is 1.
    expect(bootstrapInterval([0, 1], { seed: 2 })).toEqual({ mean: 0.5, lo: 0, hi: 1, n: 2 });
  });

  it('is reproducible by seed and brackets the mean', () => {
    const rng = createRng(9);
    const values = Array.from({ length: 50 }, () => rng.next());
    const a = bootstrapInterval(values, { seed: 4 });
    expect(bootstrapInterval(values, { seed: 4 })).toEqual(a);
    expect(bootstrapInterval(values, { seed: 5 })).not.toEqual(a);
    expect(a.lo).toBeLessThan(a.mean);
    expect(a.hi).toBeGreaterThan(a.mean);
    // Standard error of a uniform mean over 50 values ≈ 0.041: the 95% interval is about ±0.08.
    expect(a.hi - a.lo).toBeGreaterThan(0.1);
    expect(a.hi - a.lo).toBeLessThan(0.22);
  });

  it('has no mean without values', () => {
    expect(bootstrapInterval([])).toMatchObject({ n: 0, mean: Number.NaN });
  });

  it('summarizes each metric over the users that have it', () => {
    const s = summarizeMetrics([{ mae: 1, ndcg1: 0.5 }, { mae: 1 }, {}], { samples: 100 });
    expect(s).toEqual({ mae: { mean: 1, lo: 1, hi: 1, n: 2 }, ndcg1: { mean: 0.5, lo: 0.5, hi: 0.5, n: 1 } });
  });
});

describe('pairedDifference', () => {
  it('is the per-user difference, over the users both methods have the metric for', () => {
    const a = [{ mae: 0.8 }, { mae: 0.5 }, {}, { mae: 0.9 }];
    const b = [{ mae: 0.9 }, { mae: 0.6 }, { mae: 0.7 }, {}];
    const d = pairedDifference(a, b, 'mae', { seed: 3 });
    expect(d.n).toBe(2);
    expect(d.mean).toBeCloseTo(-0.1, 12);
    expect(d.lo).toBeCloseTo(-0.1, 12);
    expect(d.hi).toBeCloseTo(-0.1, 12);
  });

  it('resamples users in pairs: a constant gain between very different users is certain, although the unpaired intervals overlap', () => {
    const rng = createRng(11);
    const users = Array.from({ length: 60 }, () => 0.4 + rng.next());
    const base = users.map((v) => ({ mae: v }));
    const better = users.map((v, i) => ({ mae: v - 0.02 - (i % 2) * 0.01 })); // 0.02 or 0.03 better for every user
    const own = [bootstrapInterval(better.map((m) => m.mae), { seed: 1 }), bootstrapInterval(base.map((m) => m.mae), { seed: 1 })];
    expect(own[0]!.hi).toBeGreaterThan(own[1]!.lo); // the methods' own intervals overlap
    const d = pairedDifference(better, base, 'mae', { seed: 1 });
    expect(d.mean).toBeCloseTo(-0.025, 12);
    expect(d.hi).toBeLessThan(0);
    expect(d.lo).toBeGreaterThanOrEqual(-0.03 - 1e-12);
    expect(d.hi).toBeLessThanOrEqual(-0.02 + 1e-12);
  });

  it('refuses methods judged on different users', () => {
    expect(() => pairedDifference([{ mae: 1 }], [], 'mae')).toThrow(/^b: must hold the same users as a: 1 users against 0$/);
  });
});
