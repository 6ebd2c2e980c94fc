import type { DatasetInteraction } from '../../data/dataset.js';
import type { EvalSplit } from '../types.js';
import { baselineScorer, type TunedScorer } from './common.js';

/**
 * How many distinct training users interacted with each catalog row.
 * Impressions do not count (shown is not chosen), and a user who views one
 * item fifty times counts once, so a single heavy visitor cannot make an item
 * popular.
 */
export function popularityCounts(train: readonly DatasetInteraction[], catalogSize: number): Float32Array {
  const seen = new Map<number, Set<string>>();
  for (const e of train) {
    if (e.type === 'impression') continue;
    let users = seen.get(e.itemIndex);
    if (!users) seen.set(e.itemIndex, (users = new Set()));
    users.add(e.user);
  }
  const counts = new Float32Array(catalogSize);
  for (const [row, users] of seen) counts[row] = users.size;
  return counts;
}

/**
 * The popularity baseline: every user gets the same ranking, by the number of
 * training users who interacted with the item. Ignores the support set.
 * Scores are counts, not ratings (`predictsRatings: false`).
 */
export async function createPopularity(split: EvalSplit): Promise<TunedScorer> {
  const counts = popularityCounts(split.train, split.data.items.length);
  return baselineScorer('popularity', false, () => counts.slice());
}
