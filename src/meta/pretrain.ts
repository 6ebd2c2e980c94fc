import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import type { InnerLoop, MetaStep, Task } from './types.js';

/**
 * The non-meta baseline as an outer step: the gradient of the plain loss on
 * every task's support and query examples at θ, with no inner loop. Trained
 * with the same tasks, optimizer and budget as the meta-learners, it gives
 * the "global model" that evaluation compares them against (used as is, or
 * fine-tuned on a new user's support set).
 *
 * @example
 * const { grads, loss } = pretrainStep(model, params, tasks, { steps: 0, lr: 0, loss: mse });
 */
export function pretrainStep<X>(model: Model<X>, params: Params, tasks: readonly Task<X>[], inner: InnerLoop): MetaStep {
  const objective = (...p: tf.Tensor[]): tf.Scalar => {
    const losses = tasks.flatMap((t) => [t.support, t.query].map((b) => inner.loss(model.apply(p, b.x), b.y, b.w)));
    return tf.div(tf.addN(losses), losses.length) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(objective)([...params]);
  const loss = value.dataSync()[0] as number;
  value.dispose();
  return { grads, loss };
}
