import type * as tf from '@tensorflow/tfjs';
import type { Batch, Loss } from '../core/model.js';
import type { Params } from '../core/params.js';

/** One task: adapt on `support`, judge the adapted params on `query`. */
export interface Task<X = tf.Tensor> {
  readonly support: Batch<X>;
  readonly query: Batch<X>;
}

export interface InnerLoop {
  readonly steps: number;
  /** A number, or (Meta-SGD) one tensor per parameter. */
  readonly lr: number | Params;
  /** Which params adapt in the inner loop; default all. */
  readonly mask?: readonly boolean[];
  readonly loss: Loss;
}

/**
 * What every outer-loop algorithm returns for a meta-batch: a descent
 * direction per parameter (a gradient, or Reptile's θ − θ′) that an outer
 * optimizer applies, and the mean query loss after adaptation. The caller owns
 * `grads`.
 */
export interface MetaStep {
  readonly grads: tf.Tensor[];
  readonly loss: number;
}
