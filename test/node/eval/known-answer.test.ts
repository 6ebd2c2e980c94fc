/**
 * The evaluator end to end on a hand-made shop whose answer is known: two
 * groups of visitors with disjoint tastes (group A views items 0 → 1 → 2,
 * group B views 6 → 7 → 8; A has more visitors). User cold-start at K = 1:
 * the support is the first item, the query the next two.
 *
 * - co-occurrence: the two items that follow the support item in every
 *   training history rank first → Recall@10 = nDCG@10 = 1 for everyone;
 * - popularity: A's items are more popular, so an A visitor gets their two
 *   items on top (1, 1) and a B visitor gets them at ranks 4 and 5, after
 *   A's three (Recall@10 1, nDCG@10 (1/log2 5 + 1/log2 6) / (1 + 1/log2 3)).
 *
 * Means are over the test users the seeded split picks, recomputed here.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetInteraction } from '../../../src/node/data/dataset.js';
import { splitUserGroups } from '../../../src/node/eval/protocols.js';
import { evaluate } from '../../../src/node/eval/run.js';

function twoTasteShop(): Dataset {
  const items = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, features: {}, display: {} }));
  const interactions: DatasetInteraction[] = [];
  const visit = (user: string, rows: number[]) => rows.forEach((itemIndex, t) => interactions.push({ user, itemIndex, type: 'view', ts: 1000 * (t + 1) }));
  for (let u = 0; u < 24; u++) visit(`a${u}`, [0, 1, 2]);
  for (let u = 0; u < 16; u++) visit(`b${u}`, [6, 7, 8]);
  return { name: 'two-tastes', feedback: 'implicit', items, features: [], interactions };
}

describe('evaluate: a dataset with a known answer', () => {
  it('computes every ranking metric of popularity and co-occurrence exactly', async () => {
    const data = twoTasteShop();
    const report = await evaluate(data, { protocols: ['user'], ks: [1], methods: ['popularity', 'cooccurrence'], seed: 5, bootstrapSamples: 200 });
    const test = splitUserGroups(data, 5).test;
    const train = splitUserGroups(data, 5).train;
    expect(train.filter((u) => u.startsWith('a')).length).toBeGreaterThanOrEqual(train.filter((u) => u.startsWith('b')).length);
    const fromB = test.filter((u) => u.startsWith('b')).length;
    const bNdcg = (1 / Math.log2(5) + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3));
    const get = (method: string) => report.results.find((r) => r.method === method)!.metrics;

    const co = get('cooccurrence');
    expect(co.recall10).toEqual({ mean: 1, lo: 1, hi: 1, n: test.length });
    expect(co.fullNdcg10).toEqual({ mean: 1, lo: 1, hi: 1, n: test.length });

    const pop = get('popularity');
    expect(pop.recall10?.mean).toBe(1);
    expect(pop.fullNdcg10?.mean).toBeCloseTo((test.length - fromB + fromB * bNdcg) / test.length, 12);
    expect(pop.fullNdcg10?.n).toBe(test.length);
    // Implicit data: no rating metrics for anyone.
    for (const m of [co, pop]) for (const name of ['mae', 'rmse', 'ndcg1', 'ndcg3', 'ndcg10'] as const) expect(m[name]).toBeUndefined();
    expect(report.splits).toEqual([{ protocol: 'user-cold-start', k: 1, validation: 4, test: 4 }]);
    expect(fromB, 'the split should put visitors of both groups into the test set, or the test proves less').toBeGreaterThan(0);
    expect(fromB).toBeLessThan(test.length);
  });
});
