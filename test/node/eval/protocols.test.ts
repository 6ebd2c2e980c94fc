/** The three protocols' splits: who trains, what is support, what is query. */
import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetInteraction } from '../../../src/node/data/dataset.js';
import { itemColdStart, meluProtocol, splitUserGroups, userColdStart } from '../../../src/node/eval/protocols.js';

/** 50 users; user u rates 12 + u items (rows u, u+1, …, cyclic over 80 items), one per day; item r first appears on day r. */
function ratings(): Dataset {
  const items = Array.from({ length: 80 }, (_, i) => ({ id: `m${i}`, features: {}, display: {} }));
  const interactions: DatasetInteraction[] = [];
  for (let u = 0; u < 50; u++) {
    for (let j = 0; j < 12 + u; j++) {
      const row = (u + j) % 80;
      interactions.push({ user: `u${u}`, itemIndex: row, type: 'rating', value: 1 + ((u + j) % 5), ts: (row + j) * 86_400_000 });
    }
  }
  return { name: 'grid', feedback: 'rating', items, features: [], interactions };
}

describe('protocols', () => {
  const data = ratings();
  const groups = splitUserGroups(data, 2);

  it('splits users 80/10/10, disjoint, reproducibly', () => {
    expect([groups.train.length, groups.validation.length, groups.test.length]).toEqual([40, 5, 5]);
    expect(new Set([...groups.train, ...groups.validation, ...groups.test]).size).toBe(50);
    expect(splitUserGroups(data, 2)).toEqual(groups);
    expect(splitUserGroups(data, 3).test).not.toEqual(groups.test);
  });

  it('user cold-start: the first K as support, the same later query for every K, train = meta-train users only', () => {
    const k1 = userColdStart(data, groups, 1, 10);
    const k10 = userColdStart(data, groups, 10, 10);
    expect(new Set(k1.train.map((e) => e.user))).toEqual(new Set(groups.train));
    for (const [a, b] of k1.test.map((u, i) => [u, k10.test[i]!] as const)) {
      expect(a.support).toHaveLength(1);
      expect(b.support).toHaveLength(10);
      expect(a.query).toEqual(b.query);
      const supportTs = Math.max(...b.support.map((e) => e.ts));
      expect(a.query.every((e) => e.ts >= supportTs)).toBe(true);
    }
    expect(() => userColdStart(data, groups, 5, 3)).toThrow(/at least K/);
  });

  it('MeLU: users with 13–100 ratings, 10 random ratings as query, the rest as support', () => {
    const s = meluProtocol(data, groups, 1);
    const counts = new Map<string, number>();
    for (const e of data.interactions) counts.set(e.user, (counts.get(e.user) ?? 0) + 1);
    const eligible = groups.test.filter((u) => counts.get(u)! >= 13 && counts.get(u)! <= 100);
    expect(eligible.length).toBeGreaterThan(0);
    expect(s.test.map((u) => u.user)).toEqual(eligible);
    for (const u of s.test) {
      expect(u.query).toHaveLength(10);
      expect(u.support.length + 10).toBe(counts.get(u.user));
    }
  });

  it('item cold-start: new items never reach training, the query is only new items', () => {
    const s = itemColdStart(data, groups, { newFraction: 0.2, minSupport: 3 });
    expect(s.newItems!.size).toBeGreaterThan(0);
    expect(s.test.length, "some test user rated new items").toBeGreaterThan(0);
    expect(s.train.some((e) => s.newItems!.has(e.itemIndex))).toBe(false);
    for (const u of s.test) {
      expect(u.query.every((e) => s.newItems!.has(e.item))).toBe(true);
      expect(u.support.every((e) => !s.newItems!.has(e.item))).toBe(true);
    }
  });
});
