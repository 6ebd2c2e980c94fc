import * as tf from '@tensorflow/tfjs';
import type { Model } from '../../core/model.js';
import type { Params } from '../../core/params.js';
import type { ItemInput, Recommender } from '../../models/recommender.js';

/**
 * The recommender's full model (same specs, same params, same outputs) with
 * the id-embedding lookup written as a one-hot product instead of `gather`.
 * Why: on the tfjs cpu backend the gradient of `gather` runs
 * `unsortedSegmentSum`, which takes ~300 ms for a 240×24 table, while the
 * one-hot product's gradient is one small matMul. Only meta-training needs
 * tower gradients; the browser never differentiates the tower, so it keeps
 * the plain `gather` version.
 *
 * @example
 * const model = trainingModel(createRecommender(config)); // same outputs as rec.full, faster gradients on cpu
 */
export function trainingModel(rec: Recommender): Model<ItemInput> {
  const towerSize = rec.towerSize;
  const tower = (p: Params, x: ItemInput): tf.Tensor => {
    const [kernel, bias, idEmb] = p as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
    const rows = idEmb.shape[0];
    const pick = tf.mul(tf.oneHot(x.ids, rows, 1, 0, 'float32'), tf.expandDims(x.known, 1)) as tf.Tensor2D;
    return tf.add(tf.add(tf.matMul(x.feats, kernel), bias), tf.matMul(pick, idEmb));
  };
  return {
    specs: rec.full.specs,
    init: rec.full.init,
    apply: (p, x) => rec.head.apply(p.slice(towerSize), tower(p.slice(0, towerSize), x)),
  };
}
