import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';
import { logSoftmax } from './activations.js';
import type { Loss } from './model.js';

function weightedMean(perExample: tf.Tensor, w?: tf.Tensor): tf.Scalar {
  if (!w) return tf.mean(perExample) as tf.Scalar;
  return tf.div(tf.sum(tf.mul(perExample, w)), tf.maximum(tf.sum(w), 1e-8)) as tf.Scalar;
}

/** (Weighted) mean squared error, for explicit ratings. */
export const mse: Loss = (pred, y, w) => weightedMean(tf.square(tf.sub(pred, y)), w);

/**
 * (Weighted) binary cross-entropy on logits, for implicit feedback.
 * Written as softplus(x) − x·z: numerically stable, and softplus's gradient
 * keeps its second derivative on the tape (sigmoid/exp-based forms do not in
 * tfjs 4.22; see BROWSER-TESTING.md, defect 1).
 */
export const bceWithLogits: Loss = (logits, y, w) =>
  weightedMean(tf.sub(tf.softplus(logits), tf.mul(logits, y)), w);

/**
 * (Weighted) softmax cross-entropy: `logits` [n, C], `y` one-hot (or soft
 * labels) [n, C]. Uses attune's tape-safe `logSoftmax` instead of
 * `tf.losses.softmaxCrossEntropy`, whose second derivative tfjs 4.22 gets
 * wrong (BROWSER-TESTING.md, defect 1).
 */
export const softmaxCrossEntropy: Loss = (logits, y, w) =>
  weightedMean(tf.neg(tf.sum(tf.mul(y, logSoftmax(logits)), -1)), w);

/** Losses by name; every one passes the second-order gradient check. */
export const losses = { mse, bce: bceWithLogits, softmax: softmaxCrossEntropy } as const;
export type LossName = keyof typeof losses;
/** The losses `lossByName` knows. */
export const LOSS_NAMES = Object.keys(losses) as LossName[];

/**
 * The loss called `name`; throws `InvalidInputError` listing the valid names.
 *
 * @example
 * const loss = lossByName('bce'); // same as bceWithLogits
 */
export function lossByName(name: string): Loss {
  const loss = (losses as Record<string, Loss>)[name];
  if (!loss) throw new InvalidInputError('loss', `unknown loss "${name}"; valid: ${LOSS_NAMES.join(', ')}`);
  return loss;
}
