import type { Interaction } from '../../../models/feedback.js';
import type { DatasetInteraction } from '../../data/dataset.js';
import type { EvalSplit } from '../types.js';
import { rankingMetrics } from '../metrics.js';
import { argmin, baselineScorer, type TunedScorer } from './common.js';
import { popularityCounts } from './popularity.js';

export const COOCCURRENCE_NORMALIZATIONS = ['cosine', 'count'] as const;

export interface CooccurrenceOptions {
  /**
   * `cosine`: each co-occurrence counts 1/√(n_s·n_j), so an item is not
   * recommended just for being everywhere (but an item one user touched can
   * score high on sparse data); `count`: raw co-occurrence counts. Default:
   * chosen on validation users by full-catalog nDCG@10; `cosine` without them.
   */
  readonly normalize?: (typeof COOCCURRENCE_NORMALIZATIONS)[number];
}

/** Liked, for choosing the normalization: a rating ≥ 4, or any implicit event but an impression. */
const liked = (e: Interaction): boolean => (e.type === 'rating' ? (e.value ?? 0) >= 4 : e.type !== 'impression');

/** Each training user's distinct items, and each item's users (both as index lists). */
function histories(train: readonly DatasetInteraction[], rows: number): { itemsOf: Int32Array[]; usersOf: Int32Array[] } {
  const byUser = new Map<string, Set<number>>();
  for (const e of train) {
    if (e.type === 'impression') continue;
    let set = byUser.get(e.user);
    if (!set) byUser.set(e.user, (set = new Set()));
    set.add(e.itemIndex);
  }
  const itemsOf = [...byUser.values()].map((s) => Int32Array.from(s));
  const users: number[][] = Array.from({ length: rows }, () => []);
  itemsOf.forEach((items, u) => items.forEach((i) => users[i]?.push(u)));
  return { itemsOf, usersOf: users.map((u) => Int32Array.from(u)) };
}

/**
 * Orders rows by co-occurrence, then popularity, then lower row, and returns
 * ranks as scores (higher = better). Rows with some co-occurrence sit above
 * every row without, and those are ordered by popularity alone. Integer
 * scores keep the tie-break exact in a Float32Array.
 */
function rankScores(cooc: Float64Array, popularity: Float32Array): Float32Array {
  let maxPop = 0;
  for (const p of popularity) maxPop = Math.max(maxPop, p);
  const scores = Float32Array.from(popularity);
  const hit: number[] = [];
  cooc.forEach((c, row) => c > 0 && hit.push(row));
  hit.sort((a, b) => (cooc[b] as number) - (cooc[a] as number) || (popularity[b] as number) - (popularity[a] as number) || a - b);
  hit.forEach((row, rank) => (scores[row] = maxPop + 1 + hit.length - rank));
  return scores;
}

/**
 * Item-to-item co-occurrence (the "customers who bought this also bought"
 * recommender, Linden, Smith & York 2003): a row's score is the sum over the
 * user's support items s of how many training users interacted with both s
 * and the row (normalized or not, see CooccurrenceOptions), with popularity breaking ties
 * and ranking the rows that never co-occur. Computed per user from inverted
 * lists, with no item×item matrix. Scores are ranks (`predictsRatings: false`).
 */
export async function createCooccurrence(split: EvalSplit, options: CooccurrenceOptions = {}): Promise<TunedScorer> {
  const rows = split.data.items.length;
  const { itemsOf, usersOf } = histories(split.train, rows);
  const popularity = popularityCounts(split.train, rows);
  const inverseRoot = Float64Array.from(usersOf, (u) => (u.length > 0 ? 1 / Math.sqrt(u.length) : 0));
  const scorer = (normalize: 'cosine' | 'count') => (support: readonly Interaction[]): Float32Array => {
    const cooc = new Float64Array(rows);
    const seeds = new Set(support.filter((e) => e.type !== 'impression').map((e) => e.item));
    for (const s of seeds) {
      const ws = normalize === 'cosine' ? (inverseRoot[s] as number) : 1;
      for (const u of usersOf[s] ?? []) for (const j of itemsOf[u] ?? []) cooc[j] = (cooc[j] as number) + ws;
    }
    if (normalize === 'cosine') cooc.forEach((c, j) => (cooc[j] = c * (inverseRoot[j] as number)));
    return rankScores(cooc, popularity);
  };
  const grid = options.normalize ? [options.normalize] : split.validation.length ? COOCCURRENCE_NORMALIZATIONS : (['cosine'] as const);
  const { best } = argmin(grid, (normalize) => {
    if (grid.length === 1) return 0;
    const score = scorer(normalize);
    const values = split.validation.map((u) => rankingMetrics(score(u.support), u.support, u.query, { positive: liked }).fullNdcg10);
    const defined = values.filter((v): v is number => v !== undefined);
    return defined.length ? -defined.reduce((a, b) => a + b, 0) / defined.length : 0;
  });
  return baselineScorer('cooccurrence', false, scorer(best), { normalize: best });
}
