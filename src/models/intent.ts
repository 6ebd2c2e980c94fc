import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';
import { exp } from '../core/activations.js';
import { initParams, type ParamSpec, type Params } from '../core/params.js';
import type { SparseText, TextFeaturizerConfig } from '../text/featurize.js';

/**
 * The intent encoder: hashed n-gram ids → weighted embedding bag → residual
 * MLP → L2-normalized embedding. Small enough to ship (buckets × dim floats)
 * and fast enough to run per keystroke on any tfjs backend.
 */
export interface IntentEncoderConfig {
  /** How questions become hashed features. */
  readonly featurizer: TextFeaturizerConfig;
  /**
   * Rows of the embedding table (a power of two ≤ featurizer.buckets): bucket
   * b uses row b mod rows. Fewer rows than buckets keep the shipped encoder
   * small while the sparse prior still sees every bucket.
   */
  readonly rows: number;
  /** Embedding width (also the output width: the MLP is residual). */
  readonly dim: number;
  /** Hidden units of the residual MLP. */
  readonly hidden: number;
}

/**
 * A batch of featurized texts, padded to the longest one: `ids` [size, width]
 * (int32) and `weights` [size, width], padding = id 0 with weight 0. The
 * caller owns the tensors.
 */
export interface SparseBatch {
  /** Bucket ids, [size, width] int32. */
  readonly ids: tf.Tensor2D;
  /** Their weights, [size, width]. */
  readonly weights: tf.Tensor2D;
  /** Texts in the batch. */
  readonly size: number;
  /** The same ids and weights as plain arrays (row-major), for the embedding gradient. */
  readonly idArray: Int32Array;
  /** `weights` as a plain array, row-major. */
  readonly weightArray: Float32Array;
}

/**
 * Param order: embedding, MLP, then the classifier's two learned scalars (log temperature, sparse-prior weight).
 *
 * @example
 * const specs = encoderSpecs(INTENT_ENCODER); // 7 params: embedding, MLP, temperature, prior weight
 */
export function encoderSpecs(config: IntentEncoderConfig): ParamSpec[] {
  const { dim, hidden } = config;
  return [
    { name: 'encoder/embedding', shape: [config.rows, dim], init: 'normal', group: 'encoder' },
    { name: 'encoder/dense_0/kernel', shape: [dim, hidden], init: 'glorot', group: 'encoder' },
    { name: 'encoder/dense_0/bias', shape: [hidden], init: 'zeros', group: 'encoder' },
    { name: 'encoder/dense_1/kernel', shape: [hidden, dim], init: 'glorot', group: 'encoder' },
    { name: 'encoder/dense_1/bias', shape: [dim], init: 'zeros', group: 'encoder' },
    // log(10): cosine logits need a temperature; ProtoNet-style heads learn it.
    { name: 'classifier/log_scale', shape: [1], init: { constant: Math.log(10) }, group: 'encoder' },
    // Start the sparse prior as strong as the encoder's cosine: TF-IDF centroids are a hard-to-beat few-shot baseline.
    { name: 'classifier/prior_weight', shape: [1], init: { constant: 10 }, group: 'encoder' },
  ];
}

export const ENCODER_PARAM_COUNT = 7;

export function checkEncoderConfig(config: IntentEncoderConfig): void {
  const { rows } = config;
  if (!Number.isInteger(rows) || rows < 1 || (rows & (rows - 1)) !== 0 || rows > config.featurizer.buckets) throw new InvalidInputError('rows', `must be a power of two ≤ featurizer.buckets, got ${rows}`);
  if (!Number.isInteger(config.dim) || config.dim < 1 || config.dim > 1024) throw new InvalidInputError('dim', `must be an integer in 1..1024, got ${config.dim}`);
  if (!Number.isInteger(config.hidden) || config.hidden < 1 || config.hidden > 4096) throw new InvalidInputError('hidden', `must be an integer in 1..4096, got ${config.hidden}`);
}

/**
 * Fresh encoder params; the caller owns them.
 *
 * @example
 * const params = initEncoder(INTENT_ENCODER, 1);
 */
export function initEncoder(config: IntentEncoderConfig, seed: number): tf.Tensor[] {
  return initParams(encoderSpecs(config), seed);
}

/**
 * Packs featurized texts into a padded `SparseBatch` (caller owns the tensors). Empty texts embed to zero.
 *
 * @example
 * const batch = toSparseBatch(['where is my order', 'refund'].map((t) => featurize(t, DEFAULT_FEATURIZER)));
 */
export function toSparseBatch(texts: readonly SparseText[]): SparseBatch {
  const width = Math.max(1, ...texts.map((t) => t.ids.length));
  const idArray = new Int32Array(texts.length * width);
  const weightArray = new Float32Array(texts.length * width);
  texts.forEach((t, i) => {
    idArray.set(t.ids, i * width);
    weightArray.set(t.weights, i * width);
  });
  return {
    ids: tf.tensor2d(idArray, [texts.length, width], 'int32'),
    weights: tf.tensor2d(weightArray, [texts.length, width]),
    size: texts.length,
    idArray,
    weightArray,
  };
}

export function disposeSparseBatch(batch: SparseBatch): void {
  tf.dispose([batch.ids, batch.weights]);
}

function bagWithOps(e: tf.Tensor, batch: SparseBatch, dim: number): tf.Tensor {
  return tf.tidy(() => {
    const mask = (e.shape[0] as number) - 1;
    const ids = tf.tensor1d(batch.idArray.map((b) => b & mask), 'int32');
    const gathered = tf.reshape(tf.gather(e, ids), [batch.size, -1, dim]);
    return tf.sum(tf.mul(gathered, tf.expandDims(batch.weights, 2)), 1);
  });
}

// On the CPU backend (training in Node) a JS loop over the non-zeros is far
// faster than gather + broadcast multiply, whose CPU kernels index through
// generic buffers; dataSync() there hands back the stored array without a copy.
function bagOnCpu(e: tf.Tensor, batch: SparseBatch, dim: number, width: number): tf.Tensor {
  const table = e.dataSync();
  const mask = (e.shape[0] as number) - 1;
  const out = new Float32Array(batch.size * dim);
  for (let i = 0; i < batch.size; i++) {
    for (let l = 0; l < width; l++) {
      const w = batch.weightArray[i * width + l] as number;
      if (w === 0) continue;
      const o = ((batch.idArray[i * width + l] as number) & mask) * dim;
      for (let d = 0; d < dim; d++) out[i * dim + d] = (out[i * dim + d] as number) + w * (table[o + d] as number);
    }
  }
  return tf.tensor2d(out, [batch.size, dim]);
}

/**
 * Weighted embedding bag: row i = Σ_l weights[i,l] · E[ids[i,l]]. The forward
 * pass is plain tfjs ops (any backend). The gradient for E is a sparse
 * scatter-add done in JS, because tfjs's own gather gradient is an
 * unsortedSegmentSum whose CPU kernel loops over every row of E (one mask per
 * bucket: O(buckets × nnz × dim)), far too slow to train with.
 */
export function embeddingBag(embedding: tf.Tensor2D, batch: SparseBatch): tf.Tensor2D {
  const [rows, dim] = embedding.shape;
  const width = batch.idArray.length / Math.max(1, batch.size);
  const bag = tf.customGrad(((e: tf.Tensor) => {
    const value = tf.getBackend() === 'cpu' ? bagOnCpu(e, batch, dim, width) : bagWithOps(e, batch, dim);
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      const g = dy.dataSync();
      const out = new Float32Array(rows * dim);
      for (let i = 0; i < batch.size; i++) {
        for (let l = 0; l < width; l++) {
          const w = batch.weightArray[i * width + l] as number;
          if (w === 0) continue;
          const o = ((batch.idArray[i * width + l] as number) & (rows - 1)) * dim;
          for (let d = 0; d < dim; d++) out[o + d] = (out[o + d] as number) + w * (g[i * dim + d] as number);
        }
      }
      return tf.tensor2d(out, [rows, dim]);
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return bag(embedding) as tf.Tensor2D;
}

/** Rows scaled to unit L2 norm (zero rows stay zero). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)));
}

/**
 * Encoder forward pass: [batch.size, dim] unit-norm embeddings. Differentiable in every encoder param.
 *
 * @example
 * const z = encode(params, batch); // [batch.size, dim], unit norm
 */
export function encode(params: Params, batch: SparseBatch): tf.Tensor2D {
  return tf.tidy(() => {
    const [emb, k0, b0, k1, b1] = params as tf.Tensor[];
    const bag = embeddingBag(emb as tf.Tensor2D, batch);
    const hidden = tf.relu(tf.add(tf.matMul(bag, k0 as tf.Tensor2D), b0 as tf.Tensor));
    const out = tf.add(bag, tf.add(tf.matMul(hidden, k1 as tf.Tensor2D), b1 as tf.Tensor)) as tf.Tensor2D;
    return l2Normalize(out);
  });
}

/** The classifier's learned temperature and sparse-prior weight as tensors (taken from the encoder params). */
export function classifierScalars(params: Params): { scale: tf.Tensor; priorWeight: tf.Tensor } {
  return { scale: exp(params[5] as tf.Tensor), priorWeight: params[6] as tf.Tensor };
}
