import type * as tf from '@tensorflow/tfjs';
import type { IntentManifest, IntentSeed } from '../../bundle/format.js';
import type { AlgorithmName } from '../../meta/registry.js';
import type { IntentEncoderConfig } from '../../models/intent.js';
import { computeIdf, featurize, type SparseText } from '../../text/featurize.js';
import { writeIntentBundle } from './bundle.js';
import { calibrateThreshold } from './calibrate.js';
import type { IntentSplit } from './data.js';
import { episodePool, type EpisodeShape } from './episodes.js';
import { fewShotClassify } from './evaluate.js';
import { metaTrainIntents } from './meta-train.js';

export interface IntentTrainOptions {
  readonly config: IntentEncoderConfig;
  readonly algorithm: AlgorithmName;
  readonly iterations: number;
  readonly shape: EpisodeShape;
  readonly metaBatch?: number;
  readonly innerSteps: number;
  readonly innerLr: number;
  readonly outerLr?: number;
  readonly seed: number;
  readonly onProgress?: (p: { iteration: number; iterations: number; loss: number }) => void;
}

/** Featurizer with the idf of `corpus` (the source domain's questions). */
export function corpusFeaturizer(config: IntentEncoderConfig, corpus: readonly string[]): { idf: Float32Array; featurize: (t: string) => SparseText } {
  const idf = computeIdf(corpus, config.featurizer);
  return { idf, featurize: (t) => featurize(t, config.featurizer, idf) };
}

/** Meta-trains an encoder on `train` (episodes over its intents); the caller owns `params`. */
export async function trainIntentEncoder(train: IntentSplit, options: IntentTrainOptions): Promise<{ params: tf.Tensor[]; idf: Float32Array; featurize: (t: string) => SparseText; losses: number[] }> {
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

/** Threshold on the top probability, calibrated with `support` as the classifier's examples. */
export function calibrateOnValid(params: readonly tf.Tensor[], feat: (t: string) => SparseText, support: IntentSplit, data: CalibrationData, inner: { steps: number; lr: number }): ReturnType<typeof calibrateThreshold> {
  const opts = { steps: inner.steps, lr: inner.lr, prior: true };
  const inRes = fewShotClassify(params, feat, support, data.valid, opts);
  const oosRes = fewShotClassify(params, feat, support, { texts: data.oos, labels: data.oos.map(() => 'oos') }, opts);
  const rows = data.valid.labels.map((l, i) => ({ confidence: inRes.confidence[i] as number, correct: inRes.classes[inRes.predicted[i] as number] === l }));
  return calibrateThreshold(rows, [...oosRes.confidence]);
}

/** Trains, calibrates and writes an intent bundle; returns its manifest. */
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
    const cal = calibrateOnValid(params, feat, train, calibration, inner);
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
