import * as tf from '@tensorflow/tfjs';
import type { Params } from '../../core/params.js';
import { shuffle, type Rng } from '../../core/random.js';
import { classifierScalars, disposeSparseBatch, encode, toSparseBatch } from '../../models/intent.js';
import { fitHead, headLogits, type HeadScalars } from '../../models/intent-head.js';
import { sparseCentroids, sparsePrior } from '../../models/intent-prior.js';
import type { SparseText } from '../../text/featurize.js';
import { byLabel, type IntentSplit } from './data.js';
import { fitShopHead } from '../../assistant/classifier.js';
import { HYBRID_HEAD, type HybridHeadOptions } from '../../assistant/hybrid-head.js';
import { argmax } from './sparse-baselines.js';

/** Embeds texts in chunks (bounded memory); [texts.length, dim], caller owns it. */
export function embedAll(params: Params, texts: readonly SparseText[], chunk = 512): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < texts.length; i += chunk) {
    const batch = toSparseBatch(texts.slice(i, i + chunk));
    parts.push(encode(params, batch));
    disposeSparseBatch(batch);
  }
  const out = tf.concat(parts, 0);
  tf.dispose(parts);
  return out;
}

/**
 * Options of `fewShotClassify`.
 *
 * @example
 * fewShotClassify(params, feat, support, query, { steps: 3, lr: 0.02, prior: true });
 */
export interface FewShotOptions {
  /**
   * Head refinement steps on the support set.
   *
   * @example
   * fewShotClassify(params, feat, support, query, { ...options, steps: 10 });
   */
  readonly steps: number;
  /**
   * Head refinement learning rate.
   *
   * @example
   * fewShotClassify(params, feat, support, query, { ...options, lr: 0.05 });
   */
  readonly lr: number;
  /**
   * Add the sparse-centroid prior with the encoder's learned weight.
   *
   * @example
   * fewShotClassify(params, feat, support, query, { ...options, prior: false });
   */
  readonly prior: boolean;
  /**
   * Use the encoder at all (false: the prior alone, i.e. nearest centroid).
   *
   * @example
   * fewShotClassify(params, feat, support, query, { ...options, encoder: false }); // nearest centroid only
   */
  readonly encoder?: boolean;
}

/**
 * What `fewShotClassify` returns.
 *
 * @example
 * const { accuracy, classes, predicted } = fewShotClassify(params, feat, support, query, options);
 */
export interface FewShotResult {
  /** Share of queries classified correctly. */
  readonly accuracy: number;
  /** Predicted class index per query, and its softmax probability. */
  readonly predicted: Int32Array;
  /** The winning class's softmax probability per query. */
  readonly confidence: Float32Array;
  /** Class names in index order. */
  readonly classes: readonly string[];
}

/**
 * Few-shot classification with a frozen encoder: prototypes of the support
 * set, a few head steps, then every query. `query.labels` outside the
 * support's classes (e.g. `oos`) count as errors in `accuracy`.
 *
 * @example
 * const { accuracy } = fewShotClassify(params, featurize, loadBanking77Fewshot('train_5'), loadBanking77Fewshot('test'), { steps: 3, lr: 0.02, prior: true });
 */
export function fewShotClassify(params: Params, featurize: (t: string) => SparseText, support: IntentSplit, query: IntentSplit, options: FewShotOptions): FewShotResult {
  const classes = [...new Set(support.labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const sTexts = support.texts.map(featurize);
  const qTexts = query.texts.map(featurize);
  const sY = support.labels.map((l) => index.get(l) as number);
  const centroids = sparseCentroids(sTexts, sY, classes.length);
  const useEncoder = options.encoder ?? true;
  const out = tf.tidy(() => {
    const fixed = classifierScalars(params);
    const scalars: HeadScalars = useEncoder ? fixed : { scale: 0, priorWeight: 1 };
    const oneHot = tf.oneHot(tf.tensor1d(sY, 'int32'), classes.length).toFloat() as tf.Tensor2D;
    const prior = (texts: SparseText[]) => (options.prior || !useEncoder ? { prior: tf.tensor2d(sparsePrior(texts, centroids), [texts.length, classes.length]) } : {});
    const zs = embedAll(params, sTexts);
    const [kernel, bias] = useEncoder ? fitHead({ z: zs, ...prior(sTexts) }, oneHot, { steps: options.steps, lr: options.lr, scalars }) : [tf.zeros([classes.length, zs.shape[1]]), tf.zeros([classes.length])];
    const zq = embedAll(params, qTexts);
    const probs = tf.softmax(headLogits(kernel as tf.Tensor, bias as tf.Tensor, { z: zq, ...prior(qTexts) }, scalars));
    return { pred: tf.argMax(probs, 1), conf: tf.max(probs, 1) };
  });
  const predicted = out.pred.dataSync() as Int32Array;
  const confidence = out.conf.dataSync() as Float32Array;
  tf.dispose([out.pred, out.conf]);
  let correct = 0;
  query.labels.forEach((l, i) => (correct += classes[predicted[i] as number] === l ? 1 : 0));
  return { accuracy: correct / query.labels.length, predicted: Int32Array.from(predicted), confidence: Float32Array.from(confidence), classes };
}

/**
 * Few-shot classification with the assistant's own head (`fitShopHead`, the
 * code `answer()` runs): the rows the evaluation reports as "ours".
 *
 * @example
 * const { accuracy } = shippedClassify(params, featurize, loadBanking77Fewshot('train_5'), loadBanking77Fewshot('test'));
 */
export function shippedClassify(params: Params, featurize: (t: string) => SparseText, support: IntentSplit, query: IntentSplit, head: HybridHeadOptions = HYBRID_HEAD): FewShotResult {
  const fitted = fitShopHead(params, support.texts.map(featurize), support.labels, head);
  const probs = fitted.probabilities(query.texts.map(featurize));
  const predicted = Int32Array.from(probs, (p) => argmax(p));
  const confidence = Float32Array.from(probs, (p, i) => p[predicted[i] as number] as number);
  let correct = 0;
  query.labels.forEach((l, i) => (correct += fitted.classes[predicted[i] as number] === l ? 1 : 0));
  return { accuracy: correct / query.labels.length, predicted, confidence, classes: fitted.classes };
}

/**
 * K random examples per class from `split` (all of a class when it has fewer).
 *
 * @example
 * const support = drawSupport(loadBanking77().train!, 5, createRng(3));
 */
export function drawSupport(split: IntentSplit, k: number, rng: Rng): IntentSplit {
  const texts: string[] = [];
  const labels: string[] = [];
  for (const [label, rows] of byLabel(split)) {
    for (const r of shuffle([...rows], rng).slice(0, k)) {
      texts.push(split.texts[r] as string);
      labels.push(label);
    }
  }
  return { texts, labels };
}

/**
 * Mean and the half-width of a 95% t-interval over runs (Student t, two-sided).
 *
 * @example
 * meanInterval([0.81, 0.84, 0.79]); // { mean: 0.813…, half: 95% t half-width }
 */
export function meanInterval(values: readonly number[]): {
  /** The mean. */
  mean: number;
  /** Half-width of the 95% interval. */
  half: number;
} {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, half: 0 };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const t = [12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228][n - 2] ?? 1.96;
  return { mean, half: (t * sd) / Math.sqrt(n) };
}
