import * as tf from '@tensorflow/tfjs';
import { AttuneError } from '../errors.js';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import { createRng } from '../core/random.js';
import { mamlOuterLoss, mamlStep } from './maml.js';
import type { InnerLoop, Task } from './types.js';

/**
 * Second-order MAML's autodiff gradient disagreed with finite differences for this model.
 *
 * @example
 * try {
 *   verifyMetaGradient(model, params, task, inner);
 * } catch (e) {
 *   if (e instanceof MetaGradientError) console.error(`meta-gradient off by ${e.relativeError}`);
 * }
 */
export class MetaGradientError extends AttuneError {
  /** The measured relative error of the meta-gradient. */
  readonly relativeError: number;
  constructor(relativeError: number) {
    super(
      'meta-gradient-mismatch',
      `second-order meta-gradient is off by ${(100 * relativeError).toFixed(0)}% against finite differences. ` +
        'The model probably uses a tfjs op whose second derivative tfjs 4.22 gets wrong (tf.tanh, tf.sigmoid, tf.exp, tf.elu, ' +
        "tf.softmax, tf.logSoftmax, tf.losses.softmaxCrossEntropy). Use attune's activations (relu, tanh, sigmoid, elu, " +
        "softplus, linear, exp, softmax, logSoftmax) and losses (mse, bce, softmax), or a first-order algorithm ('fomaml', 'reptile').",
    );
    this.name = 'MetaGradientError';
    this.relativeError = relativeError;
  }
}

/**
 * Options of `verifyMetaGradient`.
 *
 * @example
 * verifyMetaGradient(model, params, task, inner, { eps: 1e-2, tolerance: 0.05, seed: 1 });
 */
export interface VerifyOptions {
  /**
   * Step along the unit direction. Default 1e-2 (float32 rounding grows as 1/eps).
   *
   * @example
   * verifyMetaGradient(model, params, task, inner, { eps: 5e-3 });
   */
  readonly eps?: number;
  /**
   * Largest accepted relative error. Default 0.05.
   *
   * @example
   * verifyMetaGradient(model, params, task, inner, { tolerance: 0.1 });
   */
  readonly tolerance?: number;
  /**
   * Seeds the random directions (default 0).
   *
   * @example
   * verifyMetaGradient(model, params, task, inner, { seed: 2 });
   */
  readonly seed?: number;
}

/**
 * Checks second-order MAML on one task, one parameter tensor at a time: the
 * autodiff meta-gradient `g_t` projected on a random unit direction `v_t` in
 * that tensor must match the central difference (J(θ+εv_t) − J(θ−εv_t)) / 2ε
 * of the post-adaptation query loss J. Catches models built from ops whose
 * second derivative tfjs computes wrongly (2 extra evaluations per tensor).
 * Differences within float32 rounding of the losses are not counted.
 * Returns the largest relative error; throws `MetaGradientError` above
 * `tolerance`. Leaves no tensors.
 *
 * @example
 * const relativeError = verifyMetaGradient(model, model.init(0), task, { steps: 1, lr: 0.01, loss: mse });
 */
export function verifyMetaGradient<X>(model: Model<X>, params: Params, task: Task<X>, inner: InnerLoop, options: VerifyOptions = {}): number {
  const { eps = 1e-2, tolerance = 0.05, seed = 0 } = options;
  const rng = createRng(seed);
  const { grads } = mamlStep(model, params, [task], inner);
  let worst = 0;
  try {
    params.forEach((p, t) => {
      const raw = Float32Array.from({ length: p.size }, () => rng.normal());
      const norm = Math.sqrt(raw.reduce((a, b) => a + b * b, 0));
      const dir = tf.tensor(raw.map((v) => v / norm), p.shape);
      const projected = tf.tidy(() => tf.sum(tf.mul(grads[t] as tf.Tensor, dir)).dataSync()[0] as number);
      const at = (sign: number) =>
        tf.tidy(() => mamlOuterLoss(model, params.map((q, i) => (i === t ? tf.add(q, tf.mul(sign * eps, dir)) : q)), task, inner).dataSync()[0] as number);
      const [plus, minus] = [at(1), at(-1)];
      const fd = (plus - minus) / (2 * eps);
      dir.dispose();
      // Discount float32 rounding of the two losses (~1e-6 relative each, amplified by 1/eps).
      const noise = (1e-6 * (Math.abs(plus) + Math.abs(minus))) / eps;
      const excess = Math.max(0, Math.abs(projected - fd) - noise);
      worst = Math.max(worst, excess / Math.max(Math.abs(fd), Math.abs(projected), 1e-12));
    });
  } finally {
    tf.dispose(grads);
  }
  if (worst > tolerance) throw new MetaGradientError(worst);
  return worst;
}
