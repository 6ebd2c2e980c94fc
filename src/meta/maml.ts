import * as tf from '@tensorflow/tfjs';
import { adapt } from '../core/adapt.js';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import { meanOverTasks, queryLoss } from './accumulate.js';
import type { InnerLoop, MetaStep, Task } from './types.js';

/**
 * MAML's per-task objective as a function of θ0: adapt on the support set,
 * then the query loss at the adapted params. Differentiable end to end, so
 * `tf.grads` of it is the exact (second-order) meta-gradient — provided the
 * model uses tape-safe ops (see `core/activations.ts`).
 *
 * @example
 * const j = tf.tidy(() => mamlOuterLoss(model, params, task, inner).dataSync()[0]);
 */
export function mamlOuterLoss<X>(model: Model<X>, params: Params, task: Task<X>, inner: InnerLoop): tf.Scalar {
  const adapted = adapt(model, params, task.support, inner);
  return queryLoss(model, adapted, task, inner.loss);
}

/**
 * Second-order MAML: the gradient of the mean post-adaptation query loss with
 * respect to θ0, differentiating through all `inner.steps` SGD steps.
 * Params outside `inner.mask` still get their full gradient (they shape the
 * inner gradients of the params that adapt).
 * @see Finn, Abbeel & Levine 2017, "Model-Agnostic Meta-Learning for Fast
 *   Adaptation of Deep Networks", ICML, https://arxiv.org/abs/1703.03400
 *
 * @example
 * const { grads, loss } = mamlStep(model, params, tasks, { steps: 1, lr: 0.01, loss: mse });
 */
export function mamlStep<X>(model: Model<X>, params: Params, tasks: readonly Task<X>[], inner: InnerLoop): MetaStep {
  return meanOverTasks(params, tasks, (task) => {
    const out = tf.valueAndGrads((...ps: tf.Tensor[]) => mamlOuterLoss(model, ps, task, inner))([...params]);
    return { loss: out.value, dirs: out.grads };
  });
}
