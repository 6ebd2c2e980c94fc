import type * as tf from '@tensorflow/tfjs';
import type { ParamSpec, Params } from './params.js';

/**
 * A model is a pair of pure functions over an explicit parameter array
 * (JAX/stax style): no hidden state, so the inner loop can differentiate
 * through it and the browser can swap in a visitor's adapted parameters.
 */
export interface Model<X = tf.Tensor> {
  /** The parameters' names, shapes and initializers, in `params` order. */
  readonly specs: readonly ParamSpec[];
  /**
   * Fresh parameters; the caller owns them.
   *
   * @example
   * const params = model.init(42);
   */
  init(seed: number): tf.Tensor[];
  /**
   * Forward pass: one prediction (score, logit or rating) per example, shape [n].
   *
   * @example
   * const scores = model.apply(params, tf.tensor2d([[0.2, 0.8]])); // shape [1]
   */
  apply(params: Params, x: X): tf.Tensor;
}

/** A batch of examples: inputs, targets and optional per-example weights. */
export interface Batch<X = tf.Tensor> {
  /** Inputs, one row per example. */
  readonly x: X;
  /** Targets, shape [n]. */
  readonly y: tf.Tensor;
  /** Per-example weights, shape [n] (default 1). */
  readonly w?: tf.Tensor;
}

/**
 * A loss maps predictions and targets (and weights) to a scalar.
 *
 * @example
 * const weighted: Loss = (pred, y, w) => mse(pred, y, w);
 */
export type Loss = (pred: tf.Tensor, y: tf.Tensor, w?: tf.Tensor) => tf.Scalar;
