import * as tf from '@tensorflow/tfjs';
import { adapt } from '../core/adapt.js';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import { meanOverTasks, queryLoss } from './accumulate.js';
import type { InnerLoop, MetaStep, Task } from './types.js';

/**
 * Reptile: move θ0 toward the adapted params; the returned direction is the
 * task-mean of θ0 − θ′ (so an outer SGD step of size ε gives θ0 + ε(θ′ − θ0)).
 * Params outside the inner-loop mask (e.g. the recommender's item tower) do not
 * move in the inner loop, so for them the direction is the first-order
 * query-loss gradient at θ′ instead. The reported loss is the query loss at θ′.
 * @see Nichol, Achiam & Schulman 2018, "On First-Order Meta-Learning
 *   Algorithms", https://arxiv.org/abs/1803.02999
 *
 * @example
 * const { grads } = reptileStep(model, params, tasks, { steps: 5, lr: 0.02, loss: mse });
 * const next = sgd(1).update(grads, [], params).params; // θ ← θ − (θ − θ′)
 */
export function reptileStep<X>(model: Model<X>, params: Params, tasks: readonly Task<X>[], inner: InnerLoop): MetaStep {
  const mask = inner.mask ?? params.map(() => true);
  return meanOverTasks(params, tasks, (task) => {
    const adapted = adapt(model, params, task.support, inner);
    if (mask.every(Boolean)) {
      // No query gradient needed: skip the backward pass.
      return { loss: queryLoss(model, adapted, task, inner.loss), dirs: params.map((p, i) => tf.sub(p, adapted[i] as tf.Tensor)) };
    }
    const out = tf.valueAndGrads((...xs: tf.Tensor[]) => queryLoss(model, xs, task, inner.loss))(adapted);
    const dirs = params.map((p, i) => (mask[i] ? tf.sub(p, adapted[i] as tf.Tensor) : (out.grads[i] as tf.Tensor)));
    return { loss: out.value, dirs };
  });
}
