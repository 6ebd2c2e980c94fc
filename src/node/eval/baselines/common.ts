import { InvalidInputError } from '../../../errors.js';
import type { Interaction } from '../../../models/feedback.js';
import type { DatasetInteraction } from '../../data/dataset.js';
import { latestRatings } from '../metrics.js';
import type { EvalSplit, EvalUser, Scorer } from '../types.js';

/** Training ratings as parallel arrays: the latest rating per (user, item), users numbered from 0. */
export interface RatingTriples {
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly value: Float64Array;
  readonly users: number;
  readonly mean: number;
  /** Smallest and largest rating seen, to clip predictions to the data's scale. */
  readonly min: number;
  readonly max: number;
}

/** Collects the ratings of `train`, keeping only a user's latest rating of an item (as the metrics do). */
export function ratingTriples(train: readonly DatasetInteraction[], catalogSize: number): RatingTriples {
  const userIndex = new Map<string, number>();
  const latest = new Map<number, DatasetInteraction>();
  for (const e of train) {
    if (e.type !== 'rating' || e.value === undefined) continue;
    let u = userIndex.get(e.user);
    if (u === undefined) userIndex.set(e.user, (u = userIndex.size));
    const key = u * catalogSize + e.itemIndex;
    const prev = latest.get(key);
    if (!prev || prev.ts <= e.ts) latest.set(key, e);
  }
  const n = latest.size;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const value = new Float64Array(n);
  let i = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [key, e] of latest) {
    user[i] = Math.floor(key / catalogSize);
    item[i] = e.itemIndex;
    value[i] = e.value as number;
    sum += value[i] as number;
    min = Math.min(min, value[i] as number);
    max = Math.max(max, value[i] as number);
    i++;
  }
  return { user, item, value, users: userIndex.size, mean: n ? sum / n : 0, min, max };
}

/** Rating baselines need rating data with at least one training rating; say so instead of predicting NaN. */
export function requireRatings(split: EvalSplit, method: string): RatingTriples {
  if (split.data.feedback !== 'rating') {
    throw new InvalidInputError('method', `${method} predicts ratings, but dataset "${split.data.name}" holds implicit feedback; use popularity or cooccurrence`);
  }
  const triples = ratingTriples(split.train, split.data.items.length);
  if (triples.value.length === 0) throw new InvalidInputError('split.train', `${method} needs training ratings, and the split has none`);
  return triples;
}

export const clip = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x);

/**
 * Mean over validation users of their MAE on the query ratings, given a
 * per-user predictor (support → rating of one row). Users without query
 * ratings are skipped; NaN when none has any.
 */
export function validationMae(users: readonly EvalUser[], predictor: (support: readonly Interaction[]) => (row: number) => number): number {
  let total = 0;
  let counted = 0;
  for (const u of users) {
    const { items, ratings } = latestRatings(u.query);
    if (items.length === 0) continue;
    const predict = predictor(u.support);
    let abs = 0;
    items.forEach((row, i) => (abs += Math.abs(predict(row) - (ratings[i] as number))));
    total += abs / items.length;
    counted++;
  }
  return counted ? total / counted : Number.NaN;
}

/** Picks the grid point with the lowest finite loss (the first on ties); the first point when none is finite. */
export function argmin<T>(grid: readonly T[], loss: (point: T) => number): { best: T; loss: number } {
  let best = grid[0] as T;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const point of grid) {
    const l = loss(point);
    if (l < bestLoss) (best = point), (bestLoss = l);
  }
  return { best, loss: bestLoss };
}

/**
 * A baseline with the hyperparameters it ended up with (given or chosen on validation users), for the report.
 *
 * A Scorer that also says which hyperparameters validation chose.
 */
export type TunedScorer = Scorer & {
  /** The hyperparameters validation chose. */
  readonly chosen: Readonly<Record<string, number | string>>;
};

/** A baseline Scorer around a pure score function; nothing to free. */
export function baselineScorer(
  name: string,
  predictsRatings: boolean,
  score: (support: readonly Interaction[]) => Float32Array,
  chosen: Readonly<Record<string, number | string>> = {},
): TunedScorer {
  return { name, family: 'baseline', predictsRatings, score: async (support) => score(support), dispose: () => undefined, chosen };
}
