import type { RecommenderConfig } from '../models/recommender.js';

/** The format name every attune manifest carries. */
export const BUNDLE_FORMAT = 'attune-bundle';
/** The newest format version this build reads and writes. */
export const BUNDLE_FORMAT_VERSION = 1;

/** One tensor in a weights file, laid out back to back in `weightsManifest` order (tfjs convention). */
export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  /**
   * `tower` (outer loop only), `head` (adapted on the device) or `lr`
   * (Meta-SGD's learned inner learning rate of the head param the name
   * follows: `lr/<param name>`).
   */
  readonly group: string;
}

/** A weights group as in a tfjs `weightsManifest`: files concatenated, then entries in order. */
export interface WeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightEntry[];
}

/** Every binary file of the bundle, with the hash the reader checks before use. */
export interface BundleFileEntry {
  readonly path: string;
  readonly bytes: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
}

/**
 * How the device adapts the head: `steps` plain SGD steps on the visitor's
 * support set.
 *
 * Learning rates: a bundle trained with Meta-SGD (Li et al. 2017) ships one
 * learned rate per head weight element, as extra weight entries named
 * `lr/<head param name>` with group `lr` and the head param's shape, after
 * the head in `weightsManifest`. When they are present they must cover every
 * head param, the SDK adapts with them, and `lr` is only their mean (for
 * information). Bundles without `lr/` entries adapt with the scalar `lr`.
 */
export interface InnerLoopSettings {
  readonly steps: number;
  /** Scalar inner learning rate; with `lr/` weights (Meta-SGD), the mean of the learned rates, for information. */
  readonly lr: number;
  /** Implicit feedback: catalog negatives sampled per positive. */
  readonly negativesPerPositive: number;
  /** The most recent interactions used as the support set. */
  readonly maxSupport: number;
  /** Prior pseudo-count: the support loss is scaled by n / (n + priorCount) (see `AdaptOptions.priorCount`); absent = 0. */
  readonly priorCount?: number;
}

export interface RecommenderManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly kind: 'recommender';
  /** Content id: changes whenever any weight or embedding changes. Keys cached adapted params. */
  readonly version: string;
  readonly createdAt: string;
  readonly model: RecommenderConfig;
  readonly weightsManifest: readonly WeightsGroup[];
  readonly catalog: {
    /** The shop's item ids, in embedding-row order. */
    readonly ids: readonly string[];
    /** Precomputed item-tower outputs: float32 [ids.length, model.dim], row-major. */
    readonly embeddings: { readonly path: string; readonly dtype: 'float32'; readonly shape: readonly [number, number] };
  };
  readonly inner: InnerLoopSettings;
  readonly files: readonly BundleFileEntry[];
  /** What the initialization was trained on (counts, dataset name, algorithm, seed). */
  readonly training: Readonly<Record<string, unknown>>;
  /** Held-out metrics measured at training time. */
  readonly metrics: Readonly<Record<string, number>>;
}

export type Manifest = RecommenderManifest;

/** One intent the bundle ships with (a starter FAQ): its name and example questions. */
export interface IntentSeed {
  readonly name: string;
  readonly examples: readonly string[];
}

/**
 * The second bundle kind: a meta-trained text encoder for few-shot intent
 * classification (`createAssistant`). Weights: the encoder params (group
 * `encoder`) then `featurizer/idf` (group `featurizer`, shape [buckets]).
 */
export interface IntentManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly kind: 'intent';
  /** Content id over the weights, the config and the seed intents; keys what the device caches. */
  readonly version: string;
  readonly createdAt: string;
  readonly model: {
    readonly featurizer: {
      readonly buckets: number;
      readonly wordNgrams: readonly [number, number];
      readonly charNgrams: readonly [number, number];
      readonly charWeight: number;
    };
    /** Embedding rows (bucket b uses row b mod rows). */
    readonly rows: number;
    readonly dim: number;
    readonly hidden: number;
    /** Add the sparse TF-IDF centroid cosine to the logits (with the learned weight). */
    readonly prior: boolean;
  };
  readonly weightsManifest: readonly WeightsGroup[];
  /** The head's refinement on the device: `steps` SGD steps at rate `lr` from the prototype init. */
  readonly inner: { readonly steps: number; readonly lr: number };
  /** Answers whose top probability is below `threshold` are out of scope (calibrated on validation data). */
  readonly outOfScope: { readonly threshold: number };
  /** Starter intents the assistant knows before the shop adds any. */
  readonly intents: readonly IntentSeed[];
  readonly files: readonly BundleFileEntry[];
  readonly training: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Either bundle kind; readers dispatch on `kind`. */
export type AnyManifest = RecommenderManifest | IntentManifest;
