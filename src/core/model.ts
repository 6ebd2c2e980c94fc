import type * as tf from '@tensorflow/tfjs';
import type { ParamSpec, Params } from './params.js';

/**
 * A model is a pair of pure functions over an explicit parameter array
 * (JAX/stax style): no hidden state, so the inner loop can differentiate
 * through it and the browser can swap in a visitor's adapted parameters.
 */
export interface Model<X = tf.Tensor> {
  readonly specs: readonly ParamSpec[];
  /** Fresh parameters; the caller owns them. */
  init(seed: number): tf.Tensor[];
  /** Forward pass: one prediction (score, logit or rating) per example, shape [n]. */
  apply(params: Params, x: X): tf.Tensor;
}

/** A batch of examples: inputs, targets and optional per-example weights. */
export interface Batch<X = tf.Tensor> {
  readonly x: X;
  readonly y: tf.Tensor;
  readonly w?: tf.Tensor;
}

/** A loss maps predictions and targets (and weights) to a scalar. */
export type Loss = (pred: tf.Tensor, y: tf.Tensor, w?: tf.Tensor) => tf.Scalar;
