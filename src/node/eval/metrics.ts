import type { Interaction } from '../../models/feedback.js';
import { ndcgAt } from '../train/metrics.js';
import type { UserMetrics } from './types.js';

/** The latest rating per item (a re-rating replaces the earlier one), in catalog-row order. */
export function latestRatings(interactions: readonly Interaction[]): { items: number[]; ratings: number[] } {
  const latest = new Map<number, Interaction>();
  for (const e of interactions) {
    if (e.type !== 'rating' || e.value === undefined) continue;
    const prev = latest.get(e.item);
    if (!prev || prev.ts <= e.ts) latest.set(e.item, e);
  }
  const items = [...latest.keys()].sort((a, b) => a - b);
  return { items, ratings: items.map((i) => latest.get(i)?.value as number) };
}

/**
 * Rating metrics of one user: MAE and RMSE of the predicted ratings (`scores`,
 * one per catalog row, on the data's scale) against the query's ratings, and
 * nDCG@1/3/10 of the query items ranked by predicted rating with gain 2^r − 1
 * and a log2 discount (MeLU's definition, Lee et al. 2019). Only the user's
 * query items are ranked, so nDCG@10 with fewer than 10 items ranks them all.
 * Ties in score put the lower catalog row first. Returns `{}` when the query
 * holds no rating.
 *
 * @example
 * ratingMetrics(scores, user.query); // { mae, rmse, ndcg1, ndcg3, ndcg10 } over the query's ratings
 */
export function ratingMetrics(scores: ArrayLike<number>, query: readonly Interaction[]): UserMetrics {
  const { items, ratings } = latestRatings(query);
  if (items.length === 0) return {};
  let abs = 0;
  let sq = 0;
  const predicted = items.map((item, i) => {
    const p = scores[item] as number;
    const err = p - (ratings[i] as number);
    abs += Math.abs(err);
    sq += err * err;
    return p;
  });
  const out: UserMetrics = { mae: abs / items.length, rmse: Math.sqrt(sq / items.length) };
  // `items` is in row order, and ndcgAt breaks ties by position, so ties go to the lower row.
  for (const k of [1, 3, 10] as const) {
    const v = ndcgAt(k, predicted, ratings);
    if (v !== null) out[`ndcg${k}`] = v;
  }
  return out;
}

/** NaN scores rank below everything (a broken scorer must not land items in the top k). */
const key = (s: number): number => (Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s);

/**
 * The `k` best catalog rows by score, best first, skipping rows for which
 * `skip` is true. A bounded insertion list instead of a full sort: Taobao
 * catalogs have ~60k rows and k is 10. Ties put the lower row first; NaN
 * scores rank last.
 */
export function topK(scores: ArrayLike<number>, k: number, skip: (row: number) => boolean = () => false): number[] {
  const rows: number[] = [];
  const vals: number[] = [];
  for (let row = 0; row < scores.length; row++) {
    if (skip(row)) continue;
    const s = key(scores[row] as number);
    if (rows.length === k && !(s > (vals[k - 1] as number))) continue;
    // Strictly greater moves up: an equal score stays behind the lower row seen first.
    let at = rows.length === k ? k - 1 : rows.length;
    while (at > 0 && s > (vals[at - 1] as number)) at--;
    rows.splice(at, 0, row);
    vals.splice(at, 0, s);
    if (rows.length > k) rows.pop(), vals.pop();
  }
  return rows;
}

export interface RankingOptions {
  /** Whether a query interaction says the user liked the item (e.g. a rating ≥ 4, or any event but an impression). */
  readonly positive: (e: Interaction) => boolean;
}

/**
 * Full-catalog ranking metrics of one user, for implicit feedback.
 *
 * Candidates are every catalog row except the items in `support` (already
 * known, so not worth recommending) and the query items none of whose query
 * events is positive (interacted with but not liked: neither a hit nor a fair
 * miss). Relevant items are the query items with at least one positive event
 * that are not in the support. With the top 10 candidates by score (ties:
 * lower row first; NaN last):
 *
 * - `recall10` = relevant items in the top 10 ÷ all relevant items (the
 *   plain definition, so a user with 20 relevant items scores at most 0.5);
 * - `fullNdcg10` = DCG@10 with binary gain and log2 discount ÷ the ideal
 *   DCG@10 (min(10, #relevant) hits at the top).
 *
 * Returns `{}` when the user has no relevant item (both are undefined).
 *
 * @example
 * rankingMetrics(scores, user.support, user.query, { positive: (e) => e.type === 'purchase' });
 */
export function rankingMetrics(
  scores: ArrayLike<number>,
  support: readonly Interaction[],
  query: readonly Interaction[],
  options: RankingOptions,
): UserMetrics {
  const known = new Set(support.map((e) => e.item));
  const liked = new Map<number, boolean>();
  for (const e of query) liked.set(e.item, (liked.get(e.item) ?? false) || options.positive(e));
  const relevant = new Set<number>();
  for (const [item, yes] of liked) if (yes && !known.has(item)) relevant.add(item);
  if (relevant.size === 0) return {};
  const top = topK(scores, 10, (row) => known.has(row) || liked.get(row) === false);
  let hits = 0;
  let dcg = 0;
  top.forEach((row, rank) => {
    if (!relevant.has(row)) return;
    hits++;
    dcg += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(10, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
  return { recall10: hits / relevant.size, fullNdcg10: dcg / ideal };
}
