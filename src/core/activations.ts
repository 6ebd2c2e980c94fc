import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';

/**
 * Activations whose derivatives stay on the gradient tape, so second-order
 * MAML differentiates through them correctly.
 *
 * Why: tfjs 4.22's gradients for Tanh, Sigmoid, Exp, Elu, Softmax and
 * LogSoftmax read the op's *saved output*. The engine saves that output as a
 * clone recorded on the outer tape *before* the op's own node, so during a
 * nested `tf.grad` the path "output → saved copy" is visited too late and its
 * contribution is dropped: the meta-gradient is silently wrong
 * (BROWSER-TESTING.md, defect 1). Ops whose gradient reads only their *input*
 * (expm1, softplus, relu, log, mul, div, sub, neg, square, where, minimum)
 * nest correctly, so every function here is built from those alone.
 * `test/node/meta/gradcheck.test.ts` checks each one against finite differences.
 */
export type Activation = (x: tf.Tensor) => tf.Tensor;

/** eˣ as expm1(x) + 1: Expm1's gradient is dy·exp(x) computed from the input. */
export function exp(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.expm1(x), 1);
}

/** σ(x) = exp(−softplus(−x)); the exponent is ≤ 0, so it never overflows. */
export function sigmoid(x: tf.Tensor): tf.Tensor {
  return exp(tf.neg(tf.softplus(tf.neg(x))));
}

/** tanh(x) = 2σ(2x) − 1. */
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(sigmoid(tf.mul(x, 2)), 2), 1);
}

/**
 * ELU (α = 1): x for x > 0, eˣ − 1 otherwise, as relu(x) + expm1(−relu(−x)).
 * No `tf.where`: the comparison feeding it (Greater) has no registered
 * gradient, which a nested `tf.grad` trips over.
 */
export function elu(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(x), tf.expm1(tf.neg(tf.relu(tf.neg(x)))));
}

/**
 * A tensor with `x`'s value that the gradient tape does not connect to `x`,
 * for values that must not be differentiated, like the max that stabilizes
 * log-sum-exp. tfjs has no stop-gradient op, so this makes a new handle on
 * the same data outside any op — exactly what the Identity kernel does
 * (count a reference on the backend, then wrap the data id), minus the tape
 * record. Owned and tidied like any op result.
 *
 * @example
 * const m = tf.max(stopGradient(x), -1, true); // used, but not differentiated
 */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  const engine = tf.engine();
  engine.backend.incRef(x.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype });
}

export function relu(x: tf.Tensor): tf.Tensor {
  return tf.relu(x);
}

export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.softplus(x);
}

export function linear(x: tf.Tensor): tf.Tensor {
  return x;
}

/**
 * log-softmax over the last axis: x − m − log Σ exp(x − m). The max `m` only
 * shifts for stability (the result does not depend on it), so it is taken off
 * the tape: tf.max's gradient builds an Equal mask, and Equal has no
 * registered gradient, which breaks a nested `tf.grad`.
 */
export function logSoftmax(x: tf.Tensor): tf.Tensor {
  const axis = x.rank - 1;
  const shifted = tf.sub(x, tf.max(stopGradient(x), axis, true));
  return tf.sub(shifted, tf.log(tf.sum(exp(shifted), axis, true)));
}

/** softmax over the last axis, as exp(logSoftmax(x)). */
export function softmax(x: tf.Tensor): tf.Tensor {
  return exp(logSoftmax(x));
}

/** Hidden-layer activations attune offers, by name (all second-order safe). */
export const activations = {
  /** max(0, x). */
  relu,
  /** Hyperbolic tangent (second-order safe). */
  tanh,
  /** Logistic sigmoid (second-order safe). */
  sigmoid,
  /** ELU (second-order safe). */
  elu,
  /** log(1 + exp(x)). */
  softplus,
  /** The identity. */
  linear,
} as const;
/** One of ACTIVATION_NAMES. */
export type ActivationName = keyof typeof activations;
/** The activations `activationByName` knows. */
export const ACTIVATION_NAMES = Object.keys(activations) as ActivationName[];

/**
 * The activation called `name`; throws `InvalidInputError` listing the valid names.
 *
 * @example
 * const act = activationByName('tanh');
 * const h = act(tf.tensor1d([-1, 0, 1]));
 */
export function activationByName(name: string): Activation {
  const fn = (activations as Record<string, Activation>)[name];
  if (!fn) throw new InvalidInputError('activation', `unknown activation "${name}"; valid: ${ACTIVATION_NAMES.join(', ')}`);
  return fn;
}
