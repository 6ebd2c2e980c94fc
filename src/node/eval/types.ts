import type { Interaction } from '../../models/feedback.js';
import type { Dataset, DatasetInteraction } from '../data/dataset.js';

/**
 * One test (or validation) user of an evaluation protocol: the interactions
 * the method may learn from (`support`, oldest first) and the ones it is
 * judged on (`query`). Items are catalog rows of `EvalSplit.data.items`.
 */
export interface EvalUser {
  readonly user: string;
  readonly support: readonly Interaction[];
  readonly query: readonly Interaction[];
}

/**
 * A protocol's data: the dataset, which users a method may train on, and
 * the validation/test users with their support/query split.
 */
export interface EvalSplit {
  /** e.g. `user-cold-start@K=5`, `melu`, `item-cold-start`. */
  readonly protocol: string;
  /** The support size when the protocol fixes one (user cold-start), else undefined. */
  readonly k?: number;
  readonly data: Dataset;
  /** Interactions methods may train on (meta-train users only; new items' interactions removed for item cold-start). */
  readonly train: readonly DatasetInteraction[];
  readonly validation: readonly EvalUser[];
  readonly test: readonly EvalUser[];
  /** Item cold-start: rows never seen in training (their id embeddings are not learned). */
  readonly newItems?: ReadonlySet<number>;
  /** Item cold-start: items first seen after this time (ms) are new. */
  readonly cutoffTs?: number;
}

/**
 * A fitted method, ready to score users. `score` returns one score per
 * catalog row (`data.items.length`), higher = better; for rating data the
 * scores are predicted ratings on the data's scale (MAE/RMSE are computed
 * from them). Methods that cannot predict ratings (popularity,
 * co-occurrence) set `predictsRatings: false` and only ranking metrics are
 * reported for them.
 */
export interface Scorer {
  readonly name: string;
  /** 'meta' for attune's meta-learned initializations, 'baseline' otherwise. */
  readonly family: 'meta' | 'baseline';
  readonly predictsRatings: boolean;
  score(support: readonly Interaction[]): Promise<Float32Array>;
  dispose(): void;
}

/** Per-user metric values; a metric is absent where it is undefined for that user (e.g. nDCG with no gain). */
export type UserMetrics = Partial<Record<MetricName, number>>;

export const METRIC_NAMES = ['mae', 'rmse', 'ndcg1', 'ndcg3', 'ndcg10', 'recall10', 'fullNdcg10'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Mean over users with a 95% bootstrap interval. */
export interface Interval {
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  /** Users the mean is over. */
  readonly n: number;
}

/** One method on one protocol (and K): every metric it has. */
export interface MethodResult {
  readonly method: string;
  readonly family: 'meta' | 'baseline';
  readonly protocol: string;
  readonly k?: number;
  readonly metrics: Partial<Record<MetricName, Interval>>;
  /** Hyperparameters the method used (given, or chosen on the validation users). */
  readonly chosen?: Readonly<Record<string, number | string>>;
}
