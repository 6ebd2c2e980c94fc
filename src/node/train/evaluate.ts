import * as tf from '@tensorflow/tfjs';
import { adapt } from '../../core/adapt.js';
import type { Loss, Model } from '../../core/model.js';
import type { Params } from '../../core/params.js';
import { mean, ndcgAt } from './metrics.js';
import type { UserSplit } from './tasks.js';

/**
 * The inner loop `evaluateHead` runs on each held-out user (as the bundle ships it).
 *
 * @example
 * evaluateHead(rec.head, headParams, embeddings, splits, { steps: 5, lr: 0.5, loss: bceWithLogits });
 */
export interface HeadEvalOptions {
  /**
   * Inner SGD steps.
   *
   * @example
   * evaluateHead(rec.head, headParams, embeddings, splits, { ...options, steps: 10 });
   */
  readonly steps: number;
  /**
   * One rate for every head param, or (Meta-SGD) one learned rate tensor per head param.
   *
   * @example
   * evaluateHead(rec.head, headParams, embeddings, splits, { ...options, lr: result.lrs!.slice() });
   */
  readonly lr: number | Params;
  /**
   * The inner and query loss.
   *
   * @example
   * evaluateHead(rec.head, headParams, embeddings, splits, { ...options, loss: mse });
   */
  readonly loss: Loss;
  /**
   * Prior pseudo-count of the inner loop (see `AdaptOptions.priorCount`).
   *
   * @example
   * evaluateHead(rec.head, headParams, embeddings, splits, { ...options, priorCount: 2 });
   */
  readonly priorCount?: number;
}

/**
 * Held-out quality before and after adaptation, averaged over users.
 *
 * @example
 * const m = evaluateHead(rec.head, headParams, embeddings, splits, options);
 * console.log(`nDCG@10 ${m.ndcg10Init.toFixed(3)} → ${m.ndcg10Adapted.toFixed(3)}`);
 */
export interface HeldOutMetrics {
  /** Users with a defined nDCG (some positive gain in the query). */
  readonly users: number;
  /** Mean nDCG@10 with the initialization θ0. */
  readonly ndcg10Init: number;
  /** Mean nDCG@10 after adapting on the support set. */
  readonly ndcg10Adapted: number;
  /** Mean query loss with θ0. */
  readonly queryLossInit: number;
  /** Mean query loss after adapting. */
  readonly queryLossAdapted: number;
}

function scoreAndLoss(head: Model<tf.Tensor>, params: Params, x: tf.Tensor, split: UserSplit, loss: Loss): { scores: Float32Array; loss: number } {
  return tf.tidy(() => {
    const pred = head.apply(params, x);
    const l = loss(pred, tf.tensor1d(split.query.y), tf.tensor1d(split.query.w));
    return { scores: pred.dataSync() as Float32Array, loss: l.dataSync()[0] as number };
  });
}

/**
 * Held-out evaluation the way the browser works: the head adapts on the
 * catalog embeddings of the user's support items, then ranks the query items.
 * `embeddings` is [catalog, dim]; nothing passed in is disposed.
 *
 * @example
 * const metrics = evaluateHead(rec.head, params.slice(rec.towerSize), embeddings, splits, { steps: 5, lr: 0.5, loss: bceWithLogits });
 */
export function evaluateHead(head: Model<tf.Tensor>, headParams: Params, embeddings: tf.Tensor2D, splits: readonly UserSplit[], o: HeadEvalOptions): HeldOutMetrics {
  const init: number[] = [];
  const adapted: number[] = [];
  const lossInit: number[] = [];
  const lossAdapted: number[] = [];
  for (const split of splits) {
    const support = tf.tidy(() => ({ x: tf.gather(embeddings, tf.tensor1d(split.support.items, 'int32')), y: tf.tensor1d(split.support.y), w: tf.tensor1d(split.support.w) }));
    const queryX = tf.tidy(() => tf.gather(embeddings, tf.tensor1d(split.query.items, 'int32')));
    const theta = adapt(head, headParams, support, { steps: o.steps, lr: o.lr, loss: o.loss, priorCount: o.priorCount ?? 0 });
    const before = scoreAndLoss(head, headParams, queryX, split, o.loss);
    const after = scoreAndLoss(head, theta, queryX, split, o.loss);
    tf.dispose([support.x, support.y, support.w, queryX, ...theta]);
    const a = ndcgAt(10, before.scores, split.relevance);
    const b = ndcgAt(10, after.scores, split.relevance);
    if (a === null || b === null) continue;
    init.push(a);
    adapted.push(b);
    lossInit.push(before.loss);
    lossAdapted.push(after.loss);
  }
  return { users: init.length, ndcg10Init: mean(init), ndcg10Adapted: mean(adapted), queryLossInit: mean(lossInit), queryLossAdapted: mean(lossAdapted) };
}
