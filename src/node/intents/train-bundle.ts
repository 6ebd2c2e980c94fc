import type * as tf from '@tensorflow/tfjs';
import type { IntentManifest, IntentSeed } from '../../bundle/format.js';
import { createRng } from '../../core/random.js';
import type { AlgorithmName } from '../../meta/registry.js';
import type { IntentEncoderConfig } from '../../models/intent.js';
import { computeIdf, featurize, type SparseText } from '../../text/featurize.js';
import { writeIntentBundle } from './bundle.js';
import { calibrateThreshold } from './calibrate.js';
import type { IntentSplit } from './data.js';
import { episodePool, type EpisodeShape } from './episodes.js';
import { drawSupport, shippedClassify } from './evaluate.js';
import { metaTrainIntents } from './meta-train.js';

/**
 * Options of `trainIntentEncoder` and `trainIntentBundle`.
 *
 * @example
 * await trainIntentEncoder(clinc.train!, { config: INTENT_ENCODER, algorithm: 'fomaml', iterations: 1000, shape: { ways: 10, shots: 5, queries: 5, prior: true }, innerSteps: 3, innerLr: 0.02, seed: 1 });
 */
export interface IntentTrainOptions {
  /**
   * The encoder's shape and featurizer.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, config: INTENT_ENCODER });
   */
  readonly config: IntentEncoderConfig;
  /**
   * The outer loop: 'fomaml', 'maml' or 'reptile'.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, algorithm: 'maml' });
   */
  readonly algorithm: AlgorithmName;
  /**
   * Outer steps.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, iterations: 3000 });
   */
  readonly iterations: number;
  /**
   * Ways, shots and queries per episode.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, shape: { ways: 5, shots: 10, queries: 5, prior: true } });
   */
  readonly shape: EpisodeShape;
  /**
   * Episodes per outer step; default 2.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, metaBatch: 4 });
   */
  readonly metaBatch?: number;
  /**
   * Inner steps, also shipped in the bundle.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, innerSteps: 5 });
   */
  readonly innerSteps: number;
  /**
   * Inner learning rate, also shipped in the bundle.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, innerLr: 0.05 });
   */
  readonly innerLr: number;
  /**
   * Adam rate of the outer loop.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, outerLr: 1e-3 });
   */
  readonly outerLr?: number;
  /**
   * Seeds the init and the episodes.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, seed: 3 });
   */
  readonly seed: number;
  /**
   * Called after every outer step.
   *
   * @example
   * await trainIntentEncoder(train, { ...options, onProgress: (p) => console.log(p.iteration, p.loss) });
   */
  readonly onProgress?: (p: { iteration: number; iterations: number; loss: number }) => void;
}

/** Featurizer with the idf of `corpus` (the source domain's questions). */
export function corpusFeaturizer(config: IntentEncoderConfig, corpus: readonly string[]): { idf: Float32Array; featurize: (t: string) => SparseText } {
  const idf = computeIdf(corpus, config.featurizer);
  return { idf, featurize: (t) => featurize(t, config.featurizer, idf) };
}

/**
 * Meta-trains an encoder on `train` (episodes over its intents); the caller owns `params`.
 *
 * @example
 * const { params, idf, featurize } = await trainIntentEncoder(loadClinc150().train!, options);
 */
export async function trainIntentEncoder(
  train: IntentSplit,
  options: IntentTrainOptions,
): Promise<{
  /** Encoder params; the caller owns them. */
  params: tf.Tensor[];
  /** The featurizer's idf over `train`. */
  idf: Float32Array;
  /** Featurizes a question with that idf. */
  featurize: (t: string) => SparseText;
  /** Loss of every iteration. */
  losses: number[];
}> {
  const { idf, featurize: feat } = corpusFeaturizer(options.config, train.texts);
  const pool = episodePool(train.texts.map(feat), train.labels, options.shape.shots + 1);
  const shape = { ...options.shape, ways: Math.min(options.shape.ways, pool.classes.length) };
  const { params, losses } = await metaTrainIntents({
    config: options.config,
    pool,
    shape,
    algorithm: options.algorithm,
    iterations: options.iterations,
    metaBatch: options.metaBatch ?? 2,
    innerSteps: options.innerSteps,
    innerLr: options.innerLr,
    ...(options.outerLr ? { outerLr: options.outerLr } : {}),
    seed: options.seed,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { params, idf, featurize: feat, losses };
}

export interface CalibrationData {
  /** Labelled in-scope questions not used for training. */
  readonly valid: IntentSplit;
  /** Out-of-scope questions. */
  readonly oos: readonly string[];
}

/** At most this many examples per intent from the training set form the calibration support (a shop's scale; the head is fitted in JS). */
export const CALIBRATION_SHOTS = 20;

/**
 * Threshold on the top probability of the assistant's own head
 * (`shippedClassify`, what `answer()` compares with the threshold), with
 * up to `CALIBRATION_SHOTS` examples per intent of `support` as the shop's
 * examples.
 */
export function calibrateOnValid(params: readonly tf.Tensor[], feat: (t: string) => SparseText, support: IntentSplit, data: CalibrationData): ReturnType<typeof calibrateThreshold> {
  const examples = drawSupport(support, CALIBRATION_SHOTS, createRng(CALIBRATION_SHOTS));
  const inRes = shippedClassify(params, feat, examples, data.valid);
  const oosRes = shippedClassify(params, feat, examples, { texts: data.oos, labels: data.oos.map(() => 'oos') });
  const rows = data.valid.labels.map((l, i) => ({ confidence: inRes.confidence[i] as number, correct: inRes.classes[inRes.predicted[i] as number] === l }));
  return calibrateThreshold(rows, [...oosRes.confidence]);
}

/**
 * Trains, calibrates and writes an intent bundle; returns its manifest.
 *
 * @example
 * const manifest = await trainIntentBundle('demo/public/bundles/faq', train, calibration, { ...options, intents: SHOP_FAQ.map(({ name, examples }) => ({ name, examples })) });
 */
export async function trainIntentBundle(
  out: string,
  train: IntentSplit,
  calibration: CalibrationData,
  options: IntentTrainOptions & { readonly intents?: readonly IntentSeed[]; readonly training?: Record<string, unknown> },
): Promise<IntentManifest> {
  const start = Date.now();
  const { params, idf, featurize: feat, losses } = await trainIntentEncoder(train, options);
  try {
    const inner = { steps: options.innerSteps, lr: options.innerLr };
    const cal = calibrateOnValid(params, feat, train, calibration);
    return await writeIntentBundle(out, {
      config: options.config,
      params,
      idf,
      prior: options.shape.prior,
      inner,
      threshold: cal.threshold,
      ...(options.intents ? { intents: options.intents } : {}),
      training: {
        ...options.training,
        algorithm: options.algorithm,
        iterations: options.iterations,
        episode: options.shape,
        seed: options.seed,
        intents: new Set(train.labels).size,
        questions: train.texts.length,
        finalLoss: losses[losses.length - 1] ?? null,
        seconds: Math.round((Date.now() - start) / 100) / 10,
      },
      metrics: { validInScopeAccuracy: cal.inScopeAccuracy, validOosRecall: cal.oosRecall },
    });
  } finally {
    params.forEach((p) => p.dispose());
  }
}
