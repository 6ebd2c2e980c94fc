import { encodeItemFeatures, featureWidth, type RecommenderConfig } from '../../models/recommender.js';
import { ratingTriples } from '../eval/baselines/common.js';
import { fitMf } from '../eval/baselines/matrix-factorization.js';
import { solveSpd } from '../eval/baselines/ridge.js';
import type { Dataset } from '../data/dataset.js';

/** Initial values of the tower ([feature kernel, feature bias, id embedding]) and, for a linear head, the head. */
export interface WarmStart {
  readonly tower: readonly Float32Array[];
  /** Only for a linear head (`hidden: []`): [out kernel, out bias]. */
  readonly head?: readonly Float32Array[];
}

/**
 * A warm start for the item tower from biased matrix factorization (ALS) on
 * the training ratings. Meta-training from random item embeddings needs many
 * passes over the data before the tower knows even each item's average
 * rating; ALS gets there in seconds. Item i's embedding becomes
 * [q_i, b_i] / σ (its factors and bias, in the standardized rating unit, so
 * a linear head w = [p_u, 1] reproduces MF's prediction). The feature path is
 * fitted by ridge regression from item features to those embeddings, and the
 * id embedding holds the residual: seen items embed exactly as MF has them,
 * new items from their features alone. Meta-training then refines all of it.
 */
export function mfWarmStart(data: Dataset, config: RecommenderConfig, known: Float32Array, seed: number): WarmStart {
  const { dim } = config;
  const rows = data.items.length;
  const triples = ratingTriples(data.interactions, rows);
  const mf = fitMf(triples, rows, { dim: dim - 1, iterations: 6, lambda: 20, seed });
  const sigma = config.ratingStd || 1;
  // Target embedding per catalog row; rows without training ratings stay zero and are not fitted.
  const target = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < dim - 1; f++) target[r * dim + f] = (mf.itemFactors[r * (dim - 1) + f] as number) / sigma;
    target[r * dim + dim - 1] = (mf.itemBias[r] as number) / sigma;
  }
  const width = Math.max(1, featureWidth(config.features));
  const x = encodeItemFeatures(config.features, data.items.map((it) => it.features));
  const fitted = rows > 0 && featureWidth(config.features) > 0 ? featureRegression(x, target, known, width, dim) : { kernel: new Float64Array(width * dim), bias: new Float64Array(dim) };
  const idEmbedding = new Float32Array(Math.max(config.numIds, 1) * dim);
  for (let r = 0; r < Math.min(rows, config.numIds); r++) {
    if (!known[r]) continue;
    for (let d = 0; d < dim; d++) {
      let fromFeatures = fitted.bias[d] as number;
      for (let c = 0; c < width; c++) fromFeatures += (x[r * width + c] as number) * (fitted.kernel[c * dim + d] as number);
      idEmbedding[r * dim + d] = (target[r * dim + d] as number) - fromFeatures;
    }
  }
  const tower = [Float32Array.from(fitted.kernel), Float32Array.from(fitted.bias), idEmbedding];
  if (config.hidden.length > 0) return { tower };
  // Linear head: θ0 = "μ + b_i" (weight 1 on the bias coordinate), factors learned per visitor.
  const kernel = new Float32Array(dim);
  kernel[dim - 1] = 1;
  return { tower, head: [kernel, Float32Array.of((mf.mean - config.ratingMean) / sigma)] };
}

/** Ridge regression (penalty 1) from encoded features [+1] to the target embeddings, over the seen rows. */
function featureRegression(x: Float32Array, target: Float64Array, known: Float32Array, width: number, dim: number): { kernel: Float64Array; bias: Float64Array } {
  const n = width + 1;
  const gram = new Float64Array(n * n);
  const rhs = Array.from({ length: dim }, () => new Float64Array(n));
  const z = new Float64Array(n);
  for (let r = 0; r < known.length; r++) {
    if (!known[r]) continue;
    for (let c = 0; c < width; c++) z[c] = x[r * width + c] as number;
    z[width] = 1;
    for (let i = 0; i < n; i++) {
      const zi = z[i] as number;
      if (zi === 0) continue;
      for (let j = 0; j < n; j++) gram[i * n + j] = (gram[i * n + j] as number) + zi * (z[j] as number);
      for (let d = 0; d < dim; d++) (rhs[d] as Float64Array)[i] = ((rhs[d] as Float64Array)[i] as number) + zi * (target[r * dim + d] as number);
    }
  }
  for (let i = 0; i < n; i++) gram[i * n + i] = (gram[i * n + i] as number) + 1;
  const kernel = new Float64Array(width * dim);
  const bias = new Float64Array(dim);
  rhs.forEach((b, d) => {
    const w = solveSpd(gram.slice(), b, n);
    for (let c = 0; c < width; c++) kernel[c * dim + d] = w[c] as number;
    bias[d] = w[width] as number;
  });
  return { kernel, bias };
}
