import * as tf from '@tensorflow/tfjs';
import { adapt } from '../core/adapt.js';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import { meanOverTasks, queryLoss } from './accumulate.js';
import type { InnerLoop, MetaStep, Task } from './types.js';

/**
 * First-order MAML: the query-loss gradient taken at the adapted params and
 * applied to θ0, ignoring how the inner steps depend on θ0 (no Hessian terms,
 * so any tfjs op is safe here).
 * @see Finn, Abbeel & Levine 2017, "Model-Agnostic Meta-Learning", §5.2,
 *   https://arxiv.org/abs/1703.03400
 *
 * @example
 * const { grads, loss } = fomamlStep(model, params, tasks, { steps: 5, lr: 0.01, loss: mse });
 */
export function fomamlStep<X>(model: Model<X>, params: Params, tasks: readonly Task<X>[], inner: InnerLoop): MetaStep {
  return meanOverTasks(params, tasks, (task) => {
    const adapted = adapt(model, params, task.support, inner);
    const out = tf.valueAndGrads((...xs: tf.Tensor[]) => queryLoss(model, xs, task, inner.loss))(adapted);
    return { loss: out.value, dirs: out.grads };
  });
}
