import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';
import type { Loss, Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import type { MetaStep, Task } from './types.js';

/** What one task contributes: its query loss and one direction per meta-parameter. */
export interface TaskContribution {
  /** The task's query loss. */
  readonly loss: tf.Scalar;
  /** One direction per meta-parameter. */
  readonly dirs: readonly tf.Tensor[];
}

/**
 * Averages per-task directions over a meta-batch. Each task runs in its own
 * `tf.tidy`, so only the running sums outlive it; the caller owns the result.
 *
 * @example
 * const step = meanOverTasks(params, tasks, (task) => {
 *   const loss = queryLoss(model, params, task, mse);
 *   return { loss, dirs: tf.grads((...p: tf.Tensor[]) => queryLoss(model, p, task, mse))([...params]) };
 * });
 */
export function meanOverTasks<T>(
  metaParams: Params,
  tasks: readonly T[],
  perTask: (task: T) => TaskContribution,
): MetaStep {
  if (tasks.length === 0) throw new InvalidInputError('tasks', 'a meta-batch needs at least one task');
  let total = 0;
  const sums = metaParams.map((p) => tf.zerosLike(p));
  for (const task of tasks) {
    tf.tidy(() => {
      const { loss, dirs } = perTask(task);
      total += loss.dataSync()[0] as number;
      dirs.forEach((d, i) => {
        const next = tf.keep(tf.add(sums[i] as tf.Tensor, d));
        (sums[i] as tf.Tensor).dispose();
        sums[i] = next;
      });
    });
  }
  const grads = sums.map((s) => {
    const mean = tf.div(s, tasks.length);
    s.dispose();
    return mean;
  });
  return { grads, loss: total / tasks.length };
}

/**
 * The loss of `model` at `params` on the task's query set (a scalar inside the caller's tidy).
 *
 * @example
 * const l = tf.tidy(() => queryLoss(model, params, task, mse).dataSync()[0]);
 */
export function queryLoss<X>(model: Model<X>, params: Params, task: Task<X>, loss: Loss): tf.Scalar {
  return loss(model.apply(params, task.query.x), task.query.y, task.query.w);
}
