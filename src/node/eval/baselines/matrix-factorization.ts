import { createRng } from '../../../core/random.js';
import type { Interaction } from '../../../models/feedback.js';
import { latestRatings } from '../metrics.js';
import type { EvalSplit } from '../types.js';
import { argmin, baselineScorer, clip, requireRatings, validationMae, type RatingTriples, type TunedScorer } from './common.js';
import { createRidge } from './ridge.js';

/** Training penalties tried on validation users (each is one ALS fit, so the grid stays short). */
export const MF_TRAIN_GRID = [10, 20, 30] as const;
/** Fold-in penalties tried on validation users, for the new user's bias and factors separately (cheap: no refit). */
export const MF_FOLD_GRID = [0.3, 1, 3, 10, 30, 100] as const;

export interface MfOptions {
  /** Factor dimension (default 24, the model's embedding size). */
  readonly dim?: number;
  /** ALS sweeps (default 6: on ML-100K validation MAE moves < 0.0003 from 6 to 20). */
  readonly iterations?: number;
  /** Training L2 penalty; default: chosen on validation users from MF_TRAIN_GRID. */
  readonly lambda?: number;
  /** Fold-in penalty on the new user's bias; default: chosen from MF_FOLD_GRID. */
  readonly foldBias?: number;
  /** Fold-in penalty on the new user's factors; default: chosen from MF_FOLD_GRID. */
  readonly foldFactors?: number;
  readonly seed?: number;
}

/** Item side of a fitted factorization; rows never rated in training keep b_i = 0 and q_i = 0. */
export interface MfModel {
  readonly mean: number;
  readonly dim: number;
  readonly itemBias: Float64Array;
  /** rows × dim, row-major. */
  readonly itemFactors: Float64Array;
  readonly min: number;
  readonly max: number;
}

/** Observations grouped by one side (CSR): for row r, `other`/`value` in [start[r], start[r+1]). */
function groupBy(own: Int32Array, other: Int32Array, value: Float64Array, rows: number): { start: Int32Array; other: Int32Array; value: Float64Array } {
  const start = new Int32Array(rows + 1);
  for (const r of own) start[r + 1] = (start[r + 1] as number) + 1;
  for (let r = 0; r < rows; r++) start[r + 1] = (start[r + 1] as number) + (start[r] as number);
  const fill = start.slice(0, rows);
  const o = new Int32Array(own.length);
  const v = new Float64Array(own.length);
  own.forEach((r, k) => {
    const at = fill[r] as number;
    fill[r] = at + 1;
    o[at] = other[k] as number;
    v[at] = value[k] as number;
  });
  return { start, other: o, value: v };
}

/** One ALS half-sweep: every row of one side solves its ridge system against the other side's biases and factors. */
function solveSide(
  g: ReturnType<typeof groupBy>, mean: number, dim: number, lambda: number,
  otherBias: Float64Array, otherFactors: Float64Array, ownBias: Float64Array, ownFactors: Float64Array,
): void {
  const ridge = createRidge(dim);
  for (let r = 0; r + 1 < g.start.length; r++) {
    if (g.start[r] === g.start[r + 1]) continue;
    ridge.reset();
    for (let k = g.start[r] as number; k < (g.start[r + 1] as number); k++) {
      const o = g.other[k] as number;
      ridge.add(otherFactors, o * dim, (g.value[k] as number) - mean - (otherBias[o] as number));
    }
    const x = ridge.solve(lambda, lambda);
    ownBias[r] = x[0] as number;
    for (let f = 0; f < dim; f++) ownFactors[r * dim + f] = x[f + 1] as number;
  }
}

/**
 * Biased matrix factorization r̂ = μ + b_u + b_i + p_u·q_i fitted by
 * alternating least squares with an L2 penalty `lambda` on every parameter
 * (Koren, Bell & Volinsky 2009). Item factors start seeded N(0, 0.1²).
 */
export function fitMf(t: RatingTriples, rows: number, o: { dim: number; iterations: number; lambda: number; seed: number }): MfModel {
  const rng = createRng(o.seed);
  const itemFactors = Float64Array.from({ length: rows * o.dim }, () => 0.1 * rng.normal());
  const itemBias = new Float64Array(rows);
  const userFactors = new Float64Array(t.users * o.dim);
  const userBias = new Float64Array(t.users);
  const byUser = groupBy(t.user, t.item, t.value, t.users);
  const byItem = groupBy(t.item, t.user, t.value, rows);
  for (let r = 0; r < rows; r++) {
    // Rows nobody rated in training must not score by their random init.
    if (byItem.start[r] === byItem.start[r + 1]) itemFactors.fill(0, r * o.dim, (r + 1) * o.dim);
  }
  for (let it = 0; it < o.iterations; it++) {
    solveSide(byUser, t.mean, o.dim, o.lambda, itemBias, itemFactors, userBias, userFactors);
    solveSide(byItem, t.mean, o.dim, o.lambda, userBias, userFactors, itemBias, itemFactors);
  }
  return { mean: t.mean, dim: o.dim, itemBias, itemFactors, min: t.min, max: t.max };
}

/** A new user's [b_u, p_u…] by ridge regression on their support ratings (closed form); zeros without ratings. */
export function foldIn(model: MfModel, support: readonly Interaction[], biasPenalty: number, factorPenalty: number): Float64Array {
  const { items, ratings } = latestRatings(support);
  if (items.length === 0) return new Float64Array(model.dim + 1);
  const ridge = createRidge(model.dim);
  ridge.reset();
  items.forEach((row, k) => ridge.add(model.itemFactors, row * model.dim, (ratings[k] as number) - model.mean - (model.itemBias[row] as number)));
  return ridge.solve(biasPenalty, factorPenalty).slice();
}

/** Predicted rating of `row` for a folded-in user `x` = [b_u, p_u…], clipped to the training range. */
export function predictMf(model: MfModel, x: Float64Array, row: number): number {
  let s = model.mean + (model.itemBias[row] as number) + (x[0] as number);
  for (let f = 0; f < model.dim; f++) s += (x[f + 1] as number) * (model.itemFactors[row * model.dim + f] as number);
  return clip(s, model.min, model.max);
}

/** Fits are reused across splits that share one `train` array (e.g. user cold-start at every K). */
const fits = new WeakMap<readonly unknown[], Map<string, MfModel>>();

function cachedFit(split: EvalSplit, t: RatingTriples, o: { dim: number; iterations: number; lambda: number; seed: number }): MfModel {
  let byKey = fits.get(split.train);
  if (!byKey) fits.set(split.train, (byKey = new Map()));
  const key = JSON.stringify(o);
  let model = byKey.get(key);
  if (!model) byKey.set(key, (model = fitMf(t, split.data.items.length, o)));
  return model;
}

/**
 * The matrix-factorization baseline: ALS on the training users' ratings, and
 * each test user's bias and factors folded in from their support ratings by
 * ridge regression (closed form, (d+1)×(d+1)). Penalties not given are
 * chosen by validation users' MAE: training λ from MF_TRAIN_GRID, fold-in
 * penalties from MF_FOLD_GRID². Items unseen in training predict μ + b_u.
 */
export async function createMatrixFactorization(split: EvalSplit, options: MfOptions = {}): Promise<TunedScorer> {
  const t = requireRatings(split, 'matrix factorization');
  const base = { dim: options.dim ?? 24, iterations: options.iterations ?? 6, seed: options.seed ?? 1 };
  const tune = split.validation.length > 0;
  const lambdas = options.lambda !== undefined ? [options.lambda] : tune ? MF_TRAIN_GRID : [10];
  const biasGrid = options.foldBias !== undefined ? [options.foldBias] : tune ? MF_FOLD_GRID : [10];
  const factorGrid = options.foldFactors !== undefined ? [options.foldFactors] : tune ? MF_FOLD_GRID : [10];
  const grid = lambdas.flatMap((lambda) => biasGrid.flatMap((fb) => factorGrid.map((ff) => ({ lambda, fb, ff }))));
  const { best } = argmin(grid, ({ lambda, fb, ff }) => {
    if (!tune) return 0;
    const model = cachedFit(split, t, { ...base, lambda });
    return validationMae(split.validation, (support) => {
      const x = foldIn(model, support, fb, ff);
      return (row) => predictMf(model, x, row);
    });
  });
  const model = cachedFit(split, t, { ...base, lambda: best.lambda });
  const score = (support: readonly Interaction[]): Float32Array => {
    const x = foldIn(model, support, best.fb, best.ff);
    return Float32Array.from({ length: split.data.items.length }, (_, row) => predictMf(model, x, row));
  };
  return baselineScorer('matrix-factorization', true, score, { dim: base.dim, iterations: base.iterations, lambda: best.lambda, foldBias: best.fb, foldFactors: best.ff });
}
