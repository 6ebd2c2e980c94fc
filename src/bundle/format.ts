import type { RecommenderConfig } from '../models/recommender.js';

/** The format name every attune manifest carries. */
export const BUNDLE_FORMAT = 'attune-bundle';
/** The newest format version this build reads and writes. */
export const BUNDLE_FORMAT_VERSION = 1;

/** One tensor in a weights file, laid out back to back in `weightsManifest` order (tfjs convention). */
export interface WeightEntry {
  /** Parameter name, e.g. `'head/dense0/kernel'` or `'lr/head/dense0/kernel'`. */
  readonly name: string;
  /** Tensor shape. */
  readonly shape: readonly number[];
  /** Always `'float32'` in format v1. */
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
  /** Files of the group, relative to the bundle folder, concatenated in order. */
  readonly paths: readonly string[];
  /** The tensors laid out in those files, in order. */
  readonly weights: readonly WeightEntry[];
}

/** Every binary file of the bundle, with the hash the reader checks before use. */
export interface BundleFileEntry {
  /** File name, relative to the bundle folder. */
  readonly path: string;
  /** File size in bytes. */
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
  /** SGD steps per adaptation (at most MAX_INNER_STEPS). */
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

/**
 * The manifest.json of a recommender bundle (format v1): the model, its files and their hashes, the catalog and the inner loop.
 *
 * @example
 * const manifest = checkManifest(await (await fetch('/bundles/shop/manifest.json')).json());
 * console.log(manifest.version, manifest.catalog.ids.length, manifest.inner.steps);
 */
export interface RecommenderManifest {
  /** Always BUNDLE_FORMAT. */
  readonly format: typeof BUNDLE_FORMAT;
  /** The format version the bundle was written with (this build reads up to BUNDLE_FORMAT_VERSION). */
  readonly formatVersion: number;
  /** The bundle kind. */
  readonly kind: 'recommender';
  /** Content id: changes whenever any weight or embedding changes. Keys cached adapted params. */
  readonly version: string;
  /** ISO time the trainer wrote the bundle (not part of `version`). */
  readonly createdAt: string;
  /** The recommender's architecture and feedback kind. */
  readonly model: RecommenderConfig;
  /** Where each tensor is (tower, head and optional learned rates). */
  readonly weightsManifest: readonly WeightsGroup[];
  /** The shop's items and their precomputed embeddings. */
  readonly catalog: {
    /** The shop's item ids, in embedding-row order. */
    readonly ids: readonly string[];
    /** Precomputed item-tower outputs: float32 [ids.length, model.dim], row-major. */
    readonly embeddings: {
      /** File name, relative to the bundle folder. */
      readonly path: string;
      /** Always `'float32'`. */
      readonly dtype: 'float32';
      /** [items, dim]. */
      readonly shape: readonly [number, number];
    };
  };
  /** How the device adapts. */
  readonly inner: InnerLoopSettings;
  /** Every binary file with its size and SHA-256. */
  readonly files: readonly BundleFileEntry[];
  /** What the initialization was trained on (counts, dataset name, algorithm, seed). */
  readonly training: Readonly<Record<string, unknown>>;
  /** Held-out metrics measured at training time. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** A recommender bundle's manifest (the kind `createPersonalizer` loads). */
export type Manifest = RecommenderManifest;

/** One intent the bundle ships with (a starter FAQ): its name and example questions. */
export interface IntentSeed {
  /** Intent name, e.g. `'shipping_time'`. */
  readonly name: string;
  /** Example questions for it. */
  readonly examples: readonly string[];
}

/**
 * The second bundle kind: a meta-trained text encoder for few-shot intent
 * classification (`createAssistant`). Weights: the encoder params (group
 * `encoder`) then `featurizer/idf` (group `featurizer`, shape [buckets]).
 */
export interface IntentManifest {
  /** Always BUNDLE_FORMAT. */
  readonly format: typeof BUNDLE_FORMAT;
  /** The format version the bundle was written with. */
  readonly formatVersion: number;
  /** The bundle kind. */
  readonly kind: 'intent';
  /** Content id over the weights, the config and the seed intents; keys what the device caches. */
  readonly version: string;
  /** ISO time the trainer wrote the bundle. */
  readonly createdAt: string;
  /** The encoder's shape and its text featurizer settings. */
  readonly model: {
    /** How questions become hashed features (see TextFeaturizerConfig). */
    readonly featurizer: {
      /** Hash buckets (a power of two). */
      readonly buckets: number;
      /** Word n-gram lengths, inclusive. */
      readonly wordNgrams: readonly [number, number];
      /** Character n-gram lengths, inclusive. */
      readonly charNgrams: readonly [number, number];
      /** Share of the weight given to character n-grams. */
      readonly charWeight: number;
    };
    /** Embedding rows (bucket b uses row b mod rows). */
    readonly rows: number;
    /** Embedding width. */
    readonly dim: number;
    /** Hidden units of the residual MLP. */
    readonly hidden: number;
    /** Add the sparse TF-IDF centroid cosine to the logits (with the learned weight). */
    readonly prior: boolean;
  };
  /** Where the encoder params and the idf vector are. */
  readonly weightsManifest: readonly WeightsGroup[];
  /** The head's refinement on the device: `steps` SGD steps at rate `lr` from the prototype init. */
  readonly inner: {
    /** SGD steps. */
    readonly steps: number;
    /** Learning rate. */
    readonly lr: number;
  };
  /** Answers whose top probability is below `threshold` are out of scope (calibrated on validation data). */
  readonly outOfScope: {
    /** Minimum top probability for an in-scope answer. */
    readonly threshold: number;
  };
  /** Starter intents the assistant knows before the shop adds any. */
  readonly intents: readonly IntentSeed[];
  /** Every binary file with its size and SHA-256. */
  readonly files: readonly BundleFileEntry[];
  /** What the encoder was trained on. */
  readonly training: Readonly<Record<string, unknown>>;
  /** Metrics measured at training time. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Either bundle kind; readers dispatch on `kind`. */
export type AnyManifest = RecommenderManifest | IntentManifest;
