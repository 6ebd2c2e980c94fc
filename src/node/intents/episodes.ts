import * as tf from '@tensorflow/tfjs';
import type { Model } from '../../core/model.js';
import { shuffle, type Rng } from '../../core/random.js';
import type { Task } from '../../meta/types.js';
import { classifierScalars, encode, encoderSpecs, ENCODER_PARAM_COUNT, toSparseBatch, type IntentEncoderConfig, type SparseBatch } from '../../models/intent.js';
import { headLogits, headSpecs, prototypes } from '../../models/intent-head.js';
import { sparseCentroids, sparsePrior } from '../../models/intent-prior.js';
import type { SparseText } from '../../text/featurize.js';

/**
 * What an episode model sees: the texts to classify, and the task's support
 * set, from which it builds class prototypes with the *current* encoder — so
 * the query loss differentiates through the prototypes into the encoder
 * (ProtoNet), while the inner loop refines a residual on the head (MAML).
 */
export interface EpisodeInput {
  /** The texts to classify. */
  readonly x: SparseBatch;
  /** Sparse-centroid prior logits for `x`, when the shape asks for them. */
  readonly prior?: tf.Tensor2D;
  /** The episode's support texts. */
  readonly support: SparseBatch;
  /** Their one-hot labels. */
  readonly supportY: tf.Tensor2D;
}

/**
 * The N-way episode model: params = encoder params, then a head residual
 * (kernel [ways, dim], bias [ways]) added to the prototypes. The residual
 * starts at zero, so the head starts exactly at the prototype classifier.
 *
 * @example
 * const model = createEpisodeModel(INTENT_ENCODER, 5);
 * const logits = model.apply([...encoderParams, ...zeroResidual], sampleEpisode(pool, shape, rng).query.x);
 */
export function createEpisodeModel(config: IntentEncoderConfig, ways: number): Model<EpisodeInput> {
  const specs = [...encoderSpecs(config), ...headSpecs(ways, config.dim)];
  return {
    specs,
    init: () => {
      throw new Error('episode models start from an encoder; use initEncoder plus zero head residuals');
    },
    apply: (p, input) =>
      tf.tidy(() => {
        const enc = p.slice(0, ENCODER_PARAM_COUNT);
        const protos = prototypes(encode(enc, input.support), input.supportY);
        const z = encode(enc, input.x);
        const kernel = tf.add(protos, p[ENCODER_PARAM_COUNT] as tf.Tensor);
        return headLogits(kernel, p[ENCODER_PARAM_COUNT + 1] as tf.Tensor, { z, ...(input.prior ? { prior: input.prior } : {}) }, classifierScalars(enc));
      }),
  };
}

/** A featurized corpus grouped by class, for sampling episodes. */
export interface EpisodePool {
  /** Every featurized text. */
  readonly texts: readonly SparseText[];
  /** Row indices per class. */
  readonly classes: readonly (readonly number[])[];
}

/**
 * Ways, shots and queries of an N-way K-shot episode.
 *
 * @example
 * const task = sampleEpisode(pool, { ways: 5, shots: 5, queries: 10, prior: true }, createRng(1));
 */
export interface EpisodeShape {
  /** Classes per episode (N). */
  readonly ways: number;
  /** Support examples per class (K). */
  readonly shots: number;
  /** Query examples per class. */
  readonly queries: number;
  /** Add the sparse-centroid prior to the logits. */
  readonly prior: boolean;
}

/** Float one-hot rows [labels.length, classes]; the caller owns the result. */
export function oneHot(labels: readonly number[], classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels as number[], 'int32'), classes).toFloat() as tf.Tensor2D);
}

/**
 * Builds the pool; classes with fewer than `minPerClass` rows are left out.
 *
 * @example
 * const pool = episodePool(train.texts.map((t) => featurize(t, DEFAULT_FEATURIZER)), train.labels, 6); // classes with ≥ shots + queries examples
 */
export function episodePool(texts: readonly SparseText[], labels: readonly string[], minPerClass: number): EpisodePool {
  const groups = new Map<string, number[]>();
  labels.forEach((l, i) => (groups.get(l) ?? groups.set(l, []).get(l))?.push(i));
  return { texts, classes: [...groups.values()].filter((g) => g.length >= minPerClass) };
}

/**
 * One N-way K-shot task with Q queries per class. The caller owns (and disposes) every tensor in it.
 *
 * @example
 * const task = sampleEpisode(pool, { ways: 5, shots: 5, queries: 5, prior: true }, createRng(0));
 * disposeEpisode(task);
 */
export function sampleEpisode(pool: EpisodePool, shape: EpisodeShape, rng: Rng): Task<EpisodeInput> {
  const picked = shuffle([...pool.classes.keys()], rng).slice(0, shape.ways);
  const sup: number[] = [];
  const qry: number[] = [];
  const supY: number[] = [];
  const qryY: number[] = [];
  picked.forEach((c, k) => {
    const rows = shuffle([...(pool.classes[c] as number[])], rng);
    rows.slice(0, shape.shots).forEach((r) => (sup.push(r), supY.push(k)));
    rows.slice(shape.shots, shape.shots + shape.queries).forEach((r) => (qry.push(r), qryY.push(k)));
  });
  const ways = picked.length;
  const sTexts = sup.map((i) => pool.texts[i] as SparseText);
  const qTexts = qry.map((i) => pool.texts[i] as SparseText);
  const support = toSparseBatch(sTexts);
  const supportY = oneHot(supY, ways);
  const queryY = oneHot(qryY, ways);
  let sPrior: tf.Tensor2D | undefined;
  let qPrior: tf.Tensor2D | undefined;
  if (shape.prior) {
    const centroids = sparseCentroids(sTexts, supY, ways);
    sPrior = tf.tensor2d(sparsePrior(sTexts, centroids), [sTexts.length, ways]);
    qPrior = tf.tensor2d(sparsePrior(qTexts, centroids), [qTexts.length, ways]);
  }
  return {
    support: { x: { x: support, support, supportY, ...(sPrior ? { prior: sPrior } : {}) }, y: supportY },
    query: { x: { x: toSparseBatch(qTexts), support, supportY, ...(qPrior ? { prior: qPrior } : {}) }, y: queryY },
  };
}

/**
 * Disposes every tensor of an episode (shared ones once).
 *
 * @example
 * disposeEpisode(task);
 */
export function disposeEpisode(task: Task<EpisodeInput>): void {
  const seen = new Set<tf.Tensor>();
  const add = (t: tf.Tensor | undefined): void => void (t && seen.add(t));
  for (const b of [task.support, task.query]) {
    for (const sb of [b.x.x, b.x.support]) [sb.ids, sb.weights].forEach(add);
    [b.y, b.x.prior, b.x.supportY].forEach(add);
  }
  tf.dispose([...seen]);
}
