import type { Interaction } from '../../../models/feedback.js';
import { latestRatings } from '../metrics.js';
import type { EvalSplit } from '../types.js';
import { argmin, baselineScorer, clip, requireRatings, validationMae, type RatingTriples, type TunedScorer } from './common.js';

/** Shrinkage strengths tried on the validation users (pseudo-counts of "average" ratings). */
export const BIAS_SHRINKAGE_GRID = [0, 1, 2, 5, 10, 25, 50] as const;

export interface BiasOptions {
  /** Item-bias shrinkage; default: chosen on validation users from BIAS_SHRINKAGE_GRID. */
  readonly itemShrinkage?: number;
  /** User-bias shrinkage; default: chosen on validation users from BIAS_SHRINKAGE_GRID. */
  readonly userShrinkage?: number;
  /** Alternating passes over the training users (default 3); 1 = item biases against the global mean only. */
  readonly rounds?: number;
}

export interface BiasModel {
  readonly mean: number;
  /** One bias per catalog row; 0 for rows without training ratings. */
  readonly itemBias: Float64Array;
  readonly userShrinkage: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Fits item biases by alternating shrunk averages (Koren 2010, §2.1):
 * b_i = Σ_u (r_ui − μ − b_u) / (λ_i + n_i), b_u = Σ_i (r_ui − μ − b_i) / (λ_u + n_u),
 * starting from b_u = 0 and ending on the item step. The training users'
 * biases are only a means to unbiased item biases; test users get theirs
 * from their support set.
 */
export function fitBias(t: RatingTriples, catalogSize: number, itemShrinkage: number, userShrinkage: number, rounds = 3): BiasModel {
  const userBias = new Float64Array(t.users);
  const itemBias = new Float64Array(catalogSize);
  const sums = (n: number): { sum: Float64Array; count: Float64Array } => ({ sum: new Float64Array(n), count: new Float64Array(n) });
  for (let round = 0; round < rounds; round++) {
    const items = sums(catalogSize);
    for (let k = 0; k < t.value.length; k++) {
      const i = t.item[k] as number;
      items.sum[i] = (items.sum[i] as number) + (t.value[k] as number) - t.mean - (userBias[t.user[k] as number] as number);
      items.count[i] = (items.count[i] as number) + 1;
    }
    for (let i = 0; i < catalogSize; i++) itemBias[i] = items.count[i] ? (items.sum[i] as number) / (itemShrinkage + (items.count[i] as number)) : 0;
    if (round === rounds - 1) break;
    const users = sums(t.users);
    for (let k = 0; k < t.value.length; k++) {
      const u = t.user[k] as number;
      users.sum[u] = (users.sum[u] as number) + (t.value[k] as number) - t.mean - (itemBias[t.item[k] as number] as number);
      users.count[u] = (users.count[u] as number) + 1;
    }
    for (let u = 0; u < t.users; u++) userBias[u] = (users.sum[u] as number) / (userShrinkage + (users.count[u] as number) || 1);
  }
  return { mean: t.mean, itemBias, userShrinkage, min: t.min, max: t.max };
}

/** A new user's bias from their support ratings: Σ (r − μ − b_i) / (λ_u + n); 0 without ratings. */
export function userBias(model: BiasModel, support: readonly Interaction[]): number {
  const { items, ratings } = latestRatings(support);
  if (items.length === 0) return 0;
  let sum = 0;
  items.forEach((row, k) => (sum += (ratings[k] as number) - model.mean - (model.itemBias[row] as number)));
  return sum / (model.userShrinkage + items.length);
}

/** Predicted rating μ + b_i + b_u of every row, clipped to the training ratings' range. */
export function predictBias(model: BiasModel, support: readonly Interaction[]): Float32Array {
  const bu = userBias(model, support);
  return Float32Array.from(model.itemBias, (bi) => clip(model.mean + bi + bu, model.min, model.max));
}

/**
 * The bias baseline: global mean + item bias + user bias, each shrunk toward
 * zero. Shrinkage strengths not given are chosen by the validation users' MAE
 * over BIAS_SHRINKAGE_GRID²; with no validation users the defaults are
 * Koren's 25 (items) and 10 (users). Items never rated in training get b_i = 0.
 */
export async function createBias(split: EvalSplit, options: BiasOptions = {}): Promise<TunedScorer> {
  const t = requireRatings(split, 'bias');
  const rows = split.data.items.length;
  const rounds = options.rounds ?? 3;
  const itemGrid = options.itemShrinkage !== undefined ? [options.itemShrinkage] : split.validation.length ? BIAS_SHRINKAGE_GRID : [25];
  const userGrid = options.userShrinkage !== undefined ? [options.userShrinkage] : split.validation.length ? BIAS_SHRINKAGE_GRID : [10];
  const grid = itemGrid.flatMap((li) => userGrid.map((lu) => [li, lu] as const));
  const { best } = argmin(grid, ([li, lu]) => {
    const model = fitBias(t, rows, li, lu, rounds);
    return validationMae(split.validation, (support) => {
      const bu = userBias(model, support);
      return (row) => clip(model.mean + (model.itemBias[row] as number) + bu, model.min, model.max);
    });
  });
  const model = fitBias(t, rows, best[0], best[1], rounds);
  return baselineScorer('bias', true, (support) => predictBias(model, support), { itemShrinkage: best[0], userShrinkage: best[1], rounds });
}
