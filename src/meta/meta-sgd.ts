import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';
import { adapt } from '../core/adapt.js';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import { meanOverTasks, queryLoss } from './accumulate.js';
import type { InnerLoop, MetaStep, Task } from './types.js';

/**
 * Meta-SGD's meta-parameters, split: θ0 and one learning-rate tensor per
 * parameter (same shape), learned together in the outer loop.
 *
 * Representation: every algorithm's step takes one flat meta-parameter array,
 * so for Meta-SGD that array is `[...params, ...lrs]` (length 2n) and the
 * outer optimizer updates both halves alike. Use `joinMetaSgd` /
 * `splitMetaSgd` to convert. The rates are unconstrained (as in the paper);
 * the bundle ships them as the inner loop's per-parameter `lr`.
 */
export interface MetaSgdParams {
  /** The model params θ0. */
  readonly params: Params;
  /** One learned rate tensor per param. */
  readonly lrs: Params;
}

/**
 * Initial learned rates: one tensor per param filled with `lr`; the caller owns them.
 *
 * @example
 * const lrs = initMetaSgdLrs(params, 0.01);
 */
export function initMetaSgdLrs(params: Params, lr: number): tf.Tensor[] {
  return params.map((p) => tf.fill(p.shape, lr));
}

/**
 * `[...params, ...lrs]` (same tensors, no copies).
 *
 * @example
 * const meta = joinMetaSgd({ params, lrs: initMetaSgdLrs(params, 0.01) });
 */
export function joinMetaSgd({ params, lrs }: MetaSgdParams): tf.Tensor[] {
  if (lrs.length !== params.length) throw new InvalidInputError('lrs', `expected ${params.length} tensors, got ${lrs.length}`);
  return [...params, ...lrs];
}

/**
 * Views of the two halves of a Meta-SGD meta-parameter array (no copies).
 *
 * @example
 * const { params: theta, lrs } = splitMetaSgd(result.grads);
 */
export function splitMetaSgd(metaParams: Params): MetaSgdParams {
  if (metaParams.length % 2 !== 0) throw new InvalidInputError('metaParams', 'Meta-SGD expects [...params, ...lrs]');
  const n = metaParams.length / 2;
  return { params: metaParams.slice(0, n), lrs: metaParams.slice(n) };
}

/**
 * Meta-SGD: MAML where the inner loop's per-parameter learning rates are
 * meta-parameters too. `metaParams` is `[...params, ...lrs]`; the result has
 * a gradient for each (second order through the inner steps). `inner.lr` is
 * ignored — the rates come from `metaParams`. Rates of params outside
 * `inner.mask` do not affect anything and get a zero gradient.
 * @see Li, Zhou, Chen & Li 2017, "Meta-SGD: Learning to Learn Quickly for
 *   Few-Shot Learning", https://arxiv.org/abs/1707.09835
 *
 * @example
 * const { grads, loss } = metaSgdStep(model, joinMetaSgd({ params, lrs }), tasks, { steps: 1, lr: 0, loss: mse });
 */
export function metaSgdStep<X>(model: Model<X>, metaParams: Params, tasks: readonly Task<X>[], inner: InnerLoop): MetaStep {
  const { params, lrs } = splitMetaSgd(metaParams);
  if (inner.steps < 1) throw new InvalidInputError('inner.steps', 'Meta-SGD needs at least one inner step to learn rates');
  const mask = inner.mask ?? params.map(() => true);
  // tf.grads refuses inputs that do not reach the loss, so differentiate only
  // with respect to the rates that are used.
  const usedLrs = mask.flatMap((m, i) => (m ? [i] : []));
  return meanOverTasks(metaParams, tasks, (task) => {
    const f = (...xs: tf.Tensor[]): tf.Scalar => {
      const rates = lrs.map((r, i) => {
        const k = usedLrs.indexOf(i);
        return k >= 0 ? (xs[params.length + k] as tf.Tensor) : r;
      });
      const adapted = adapt(model, xs.slice(0, params.length), task.support, { ...inner, lr: rates });
      return queryLoss(model, adapted, task, inner.loss);
    };
    const out = tf.valueAndGrads(f)([...params, ...usedLrs.map((i) => lrs[i] as tf.Tensor)]);
    const lrDirs = lrs.map((r, i) => {
      const k = usedLrs.indexOf(i);
      return k >= 0 ? (out.grads[params.length + k] as tf.Tensor) : tf.zerosLike(r);
    });
    return { loss: out.value, dirs: [...out.grads.slice(0, params.length), ...lrDirs] };
  });
}
