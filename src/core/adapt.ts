import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';
import type { Batch, Loss, Model } from './model.js';
import type { Params } from './params.js';

/**
 * Options of the inner loop `adapt()`.
 *
 * @example
 * const adapted = adapt(model, params, support, { steps: 5, lr: 0.1, loss: mse });
 */
export interface AdaptOptions {
  /**
   * Number of SGD steps on the support set.
   *
   * @example
   * adapt(model, params, support, { steps: 10, lr: 0.05, loss: mse });
   */
  readonly steps: number;
  /**
   * Inner learning rate: one number for every parameter, or one tensor per
   * parameter (same shape, Meta-SGD's learned per-parameter rates).
   *
   * @example
   * adapt(model, params, support, { steps: 5, lr: params.map((p) => tf.fill(p.shape, 0.1)), loss: mse });
   */
  readonly lr: number | Params;
  /**
   * Which parameters adapt (ANIL / the recommender's head); default: all.
   *
   * @example
   * const mask = recommender.full.specs.map((s) => s.group === 'head');
   * adapt(recommender.full, params, support, { steps: 5, lr: 0.5, loss: bceWithLogits, mask });
   */
  readonly mask?: readonly boolean[];
  /**
   * The loss minimized on the support set.
   *
   * @example
   * adapt(model, params, support, { steps: 5, lr: 0.5, loss: lossByName('bce') });
   */
  readonly loss: Loss;
  /**
   * Pseudo-count c ≥ 0 of prior evidence (default 0). The support loss is
   * scaled by n / (n + c), n = the support's total weight: with one example
   * the step is small, with many it approaches the plain step — the
   * shrinkage a Bayesian (ridge) fold-in applies, so a visitor's single
   * rating does not throw the model off.
   *
   * @example
   * adapt(model, params, support, { steps: 5, lr: 0.5, loss: mse, priorCount: 4 });
   */
  readonly priorCount?: number;
}

/**
 * The inner loop: `steps` plain SGD steps of `loss` on `support`, starting
 * from `params`. Pure: the inputs are neither changed nor disposed, and every
 * tensor of the result is new and owned by the caller (parameters that do not
 * adapt come back as clones). Called inside `tf.grad`, the steps stay on the
 * tape, so second-order MAML differentiates through them.
 *
 * @example
 * const support = { x: tf.tensor2d([[1, 0], [0, 1]]), y: tf.tensor1d([1, -1]) };
 * const adapted = adapt(model, params, support, { steps: 5, lr: 0.1, loss: mse });
 * disposeParams(adapted);
 */
export function adapt<X>(model: Model<X>, params: Params, support: Batch<X>, options: AdaptOptions): tf.Tensor[] {
  const { steps, lr, loss } = options;
  const mask = options.mask ?? params.map(() => true);
  if (mask.length !== params.length) {
    throw new InvalidInputError('mask', `has ${mask.length} entries for ${params.length} params`);
  }
  if (typeof lr !== 'number' && lr.length !== params.length) {
    throw new InvalidInputError('lr', `got ${lr.length} learning-rate tensors for ${params.length} params`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new InvalidInputError('steps', `must be an integer ≥ 0, got ${steps}`);
  const priorCount = options.priorCount ?? 0;
  if (!(priorCount >= 0 && Number.isFinite(priorCount))) throw new InvalidInputError('priorCount', `must be a finite number ≥ 0, got ${priorCount}`);
  const adaptIdx = mask.flatMap((m, i) => (m ? [i] : []));
  return tf.tidy(() => {
    const evidence = support.w ? tf.sum(support.w) : tf.scalar(support.y.shape[0] ?? 0);
    const shrink = priorCount > 0 ? tf.div(evidence, tf.add(evidence, priorCount)) : null;
    let current: tf.Tensor[] = [...params];
    for (let step = 0; step < steps; step++) {
      const f = (...xs: tf.Tensor[]): tf.Scalar => {
        const full = current.map((p, i) => {
          const k = adaptIdx.indexOf(i);
          return k >= 0 ? (xs[k] as tf.Tensor) : p;
        });
        const l = loss(model.apply(full, support.x), support.y, support.w);
        return shrink ? (tf.mul(l, shrink) as tf.Scalar) : l;
      };
      const grads = tf.grads(f)(adaptIdx.map((i) => current[i] as tf.Tensor));
      current = current.map((p, i) => {
        const k = adaptIdx.indexOf(i);
        if (k < 0) return p;
        const rate = typeof lr === 'number' ? tf.scalar(lr) : (lr[i] as tf.Tensor);
        return tf.sub(p, tf.mul(rate, grads[k] as tf.Tensor));
      });
    }
    return current.map((p) => (params.includes(p) ? tf.clone(p) : p));
  });
}

/**
 * Loss of `model` at `params` on `batch`, as a number (disposes everything it makes).
 *
 * @example
 * const before = evaluateLoss(model, params, query, mse);
 */
export function evaluateLoss<X>(model: Model<X>, params: Params, batch: Batch<X>, loss: Loss): number {
  return tf.tidy(() => loss(model.apply(params, batch.x), batch.y, batch.w)).arraySync() as number;
}
