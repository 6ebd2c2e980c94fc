import type * as tf from '@tensorflow/tfjs';
import type { Batch, Loss } from '../core/model.js';
import type { Params } from '../core/params.js';

/** One task: adapt on `support`, judge the adapted params on `query`. */
export interface Task<X = tf.Tensor> {
  /** What the inner loop adapts on. */
  readonly support: Batch<X>;
  /** What the adapted params are judged on. */
  readonly query: Batch<X>;
}

/**
 * The inner loop every algorithm runs per task (as in `adapt()`).
 *
 * @example
 * const inner: InnerLoop = { steps: 5, lr: 0.01, loss: mse, mask: model.specs.map((s) => s.group === 'head') };
 */
export interface InnerLoop {
  /** SGD steps per task. */
  readonly steps: number;
  /** A number, or (Meta-SGD) one tensor per parameter. */
  readonly lr: number | Params;
  /** Which params adapt in the inner loop; default all. */
  readonly mask?: readonly boolean[];
  /** The support (and query) loss. */
  readonly loss: Loss;
}

/**
 * What every outer-loop algorithm returns for a meta-batch: a descent
 * direction per parameter (a gradient, or Reptile's θ − θ′) that an outer
 * optimizer applies, and the mean query loss after adaptation. The caller owns
 * `grads`.
 */
export interface MetaStep {
  /** One descent direction per meta-parameter. */
  readonly grads: tf.Tensor[];
  /** Mean query loss after adaptation. */
  readonly loss: number;
}
