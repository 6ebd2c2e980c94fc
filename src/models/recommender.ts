import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.js';
import { initParams, type ParamSpec, type Params } from '../core/params.js';

/** One item feature column, as the shop exports it. */
export type FeatureSpec =
  | {
      /** Column name, as in the items' feature records. */
      readonly name: string;
      /** One value per item, one-hot encoded. */
      readonly kind: 'categorical';
      /** The known values, in encoding order. */
      readonly vocab: readonly string[];
    }
  | {
      /** Column name. */
      readonly name: string;
      /** A list of values per item (tags), multi-hot encoded. */
      readonly kind: 'multi';
      /** The known values, in encoding order. */
      readonly vocab: readonly string[];
    }
  | {
      /** Column name. */
      readonly name: string;
      /** A number per item, standardized. */
      readonly kind: 'numeric';
      /** Mean used for standardizing. */
      readonly mean: number;
      /** Standard deviation used for standardizing. */
      readonly std: number;
    };

/** What the shop's signal is: explicit `'rating'`s or `'implicit'` events (views, clicks, carts, purchases). */
export type Feedback = 'rating' | 'implicit';

/**
 * The recommender's architecture: item features, embedding size, head layers and feedback kind.
 *
 * @example
 * const config: RecommenderConfig = {
 *   features: [{ name: 'category', kind: 'categorical', vocab: ['shoes', 'hats', 'bags'] }],
 *   numIds: 0, dim: 16, hidden: [32], feedback: 'implicit', ratingMean: 0, ratingStd: 1,
 * };
 */
export interface RecommenderConfig {
  /** The item feature columns, in encoding order. */
  readonly features: readonly FeatureSpec[];
  /** Items with a learned id embedding (those seen in training); 0 for features only. */
  readonly numIds: number;
  /** Item embedding size. */
  readonly dim: number;
  /** Hidden layer sizes of the user head. */
  readonly hidden: readonly number[];
  /** Ratings or implicit events. */
  readonly feedback: Feedback;
  /** Ratings are standardized with these before the loss; scores are in that unit. */
  readonly ratingMean: number;
  /** Standard deviation used with `ratingMean`. */
  readonly ratingStd: number;
  /**
   * The rating scale seen in training (rating bundles). The SDK rejects a
   * `rating` event outside it: one wild value would otherwise derail the
   * visitor's adaptation. Absent in bundles without ratings.
   */
  readonly ratingMin?: number;
  /** Upper end of the rating scale (see `ratingMin`). */
  readonly ratingMax?: number;
}

/** Items as the tower sees them: dense encoded features plus optional id rows. */
export interface ItemInput {
  /** [n, featureWidth] encoded features (see `encodeItemFeatures`). */
  readonly feats: tf.Tensor2D;
  /** [n] id-embedding row per item (int32); rows of unknown items are masked out. */
  readonly ids: tf.Tensor1D;
  /** [n] 1 where the item has a learned id embedding, else 0. */
  readonly known: tf.Tensor1D;
}

/**
 * The recommender as three models over one parameter array: the item tower, the adapted head, and both composed.
 *
 * @example
 * const rec = createRecommender(config);
 * const params = rec.full.init(1); // [...tower, ...head]
 * const headParams = params.slice(rec.towerSize);
 */
export interface Recommender {
  /** The config it was built from. */
  readonly config: RecommenderConfig;
  /** Item features (+ id) → embedding. Changed only by the outer loop. */
  readonly tower: Model<ItemInput>;
  /** Item embedding → score. The part the visitor's device adapts. */
  readonly head: Model<tf.Tensor>;
  /** tower ∘ head over the concatenated params [...tower, ...head]. */
  readonly full: Model<ItemInput>;
  /** How many of `full`'s params belong to the tower (the head's follow). */
  readonly towerSize: number;
}

/**
 * Width of the dense feature vector: one-hot, multi-hot and numeric columns side by side.
 *
 * @example
 * featureWidth([{ name: 'category', kind: 'categorical', vocab: ['a', 'b'] }, { name: 'price', kind: 'numeric', mean: 40, std: 25 }]); // 3
 */
export function featureWidth(features: readonly FeatureSpec[]): number {
  return features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.vocab.length), 0);
}

/** Raw feature values of one item: a category string, a list of tags, or a number. */
export type ItemFeatures = Readonly<Record<string, string | readonly string[] | number | null | undefined>>;

/**
 * Encodes items' raw features as rows of one dense Float32Array. Unknown
 * categories and missing values encode as zeros (the item is then embedded by
 * its other features), so catalogs may grow after training.
 *
 * @example
 * const feats = encodeItemFeatures(config.features, [{ category: 'shoes' }, { category: 'bags' }]);
 */
export function encodeItemFeatures(features: readonly FeatureSpec[], items: readonly ItemFeatures[]): Float32Array {
  const width = featureWidth(features);
  const out = new Float32Array(items.length * width);
  const index = features.map((f) => (f.kind === 'numeric' ? null : new Map(f.vocab.map((v, i) => [v, i]))));
  items.forEach((item, row) => {
    let col = row * width;
    features.forEach((f, k) => {
      const value = item[f.name];
      if (f.kind === 'numeric') {
        if (typeof value === 'number' && Number.isFinite(value)) out[col] = (value - f.mean) / (f.std || 1);
        col += 1;
        return;
      }
      const vocab = index[k] as Map<string, number>;
      const values = Array.isArray(value) ? value : value == null ? [] : [String(value)];
      const hits = values.map((v) => vocab.get(String(v))).filter((i): i is number => i !== undefined);
      for (const i of hits) out[col + i] = f.kind === 'multi' ? 1 / Math.sqrt(hits.length) : 1;
      col += f.vocab.length;
    });
  });
  return out;
}

export function recommenderSpecs(config: RecommenderConfig): { tower: ParamSpec[]; head: ParamSpec[] } {
  const { dim, hidden, numIds } = config;
  const width = featureWidth(config.features);
  const tower: ParamSpec[] = [
    { name: 'tower/feature_kernel', shape: [Math.max(width, 1), dim], init: 'glorot', group: 'tower' },
    { name: 'tower/feature_bias', shape: [dim], init: 'zeros', group: 'tower' },
    { name: 'tower/id_embedding', shape: [Math.max(numIds, 1), dim], init: 'normal', group: 'tower' },
  ];
  const head: ParamSpec[] = [];
  let fanIn = dim;
  hidden.forEach((units, i) => {
    head.push({ name: `head/dense_${i}/kernel`, shape: [fanIn, units], init: 'glorot', group: 'head' });
    head.push({ name: `head/dense_${i}/bias`, shape: [units], init: 'zeros', group: 'head' });
    fanIn = units;
  });
  head.push({ name: 'head/out/kernel', shape: [fanIn, 1], init: 'glorot', group: 'head' });
  head.push({ name: 'head/out/bias', shape: [1], init: 'zeros', group: 'head' });
  return { tower, head };
}

function applyTower(p: Params, x: ItemInput): tf.Tensor {
  const [kernel, bias, idEmb] = p as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
  const fromFeatures = tf.add(tf.matMul(x.feats, kernel), bias);
  const fromIds = tf.mul(tf.gather(idEmb, x.ids), tf.expandDims(x.known, 1));
  return tf.add(fromFeatures, fromIds);
}

function applyHead(p: Params, emb: tf.Tensor): tf.Tensor {
  let h = emb;
  const layers = p.length / 2;
  for (let i = 0; i < layers; i++) {
    const kernel = p[2 * i] as tf.Tensor2D;
    const bias = p[2 * i + 1] as tf.Tensor1D;
    h = tf.add(tf.matMul(h as tf.Tensor2D, kernel), bias);
    if (i < layers - 1) h = tf.relu(h);
  }
  return tf.reshape(h, [-1]);
}

/**
 * Builds the recommender (tower, head, full) for `config`.
 *
 * @example
 * const rec = createRecommender(config);
 * const scores = rec.head.apply(rec.head.init(1), tf.randomNormal([5, config.dim]));
 */
export function createRecommender(config: RecommenderConfig): Recommender {
  const specs = recommenderSpecs(config);
  const towerSize = specs.tower.length;
  const tower: Model<ItemInput> = {
    specs: specs.tower,
    init: (seed) => initParams(specs.tower, seed),
    apply: applyTower,
  };
  const head: Model<tf.Tensor> = {
    specs: specs.head,
    init: (seed) => initParams(specs.head, seed + 1),
    apply: applyHead,
  };
  const full: Model<ItemInput> = {
    specs: [...specs.tower, ...specs.head],
    init: (seed) => [...tower.init(seed), ...head.init(seed)],
    apply: (p, x) => applyHead(p.slice(towerSize), applyTower(p.slice(0, towerSize), x)),
  };
  return { config, tower, head, full, towerSize };
}
