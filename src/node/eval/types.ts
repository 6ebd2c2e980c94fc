import type { Interaction } from '../../models/feedback.js';
import type { Dataset, DatasetInteraction } from '../data/dataset.js';

/**
 * One test (or validation) user of an evaluation protocol: the interactions
 * the method may learn from (`support`, oldest first) and the ones it is
 * judged on (`query`). Items are catalog rows of `EvalSplit.data.items`.
 */
export interface EvalUser {
  /** The user's id. */
  readonly user: string;
  /** What a method may learn from, oldest first. */
  readonly support: readonly Interaction[];
  /** What it is judged on. */
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
  /** The dataset. */
  readonly data: Dataset;
  /** Interactions methods may train on (meta-train users only; new items' interactions removed for item cold-start). */
  readonly train: readonly DatasetInteraction[];
  /** Users for choosing hyperparameters. */
  readonly validation: readonly EvalUser[];
  /** Users the reported metrics are over. */
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
 *
 * @example
 * const scores = await scorer.score(user.support);
 * const metrics = rankingMetrics(scores, user.support, user.query, { positive: (e) => e.type !== 'impression' });
 * scorer.dispose();
 */
export interface Scorer {
  /** The method's name, e.g. `'fomaml'` or `'popularity'`. */
  readonly name: string;
  /** 'meta' for attune's meta-learned initializations, 'baseline' otherwise. */
  readonly family: 'meta' | 'baseline';
  /** Whether scores are ratings (MAE/RMSE apply). */
  readonly predictsRatings: boolean;
  /**
   * One score per catalog row for a user with this support set.
   *
   * @example
   * const scores = await scorer.score([{ item: 12, type: 'rating', value: 5, ts: 1 }]);
   */
  score(support: readonly Interaction[]): Promise<Float32Array>;
  /**
   * Frees what the method holds (tensors, the engine).
   *
   * @example
   * scorer.dispose();
   */
  dispose(): void;
}

/** Per-user metric values; a metric is absent where it is undefined for that user (e.g. nDCG with no gain). */
export type UserMetrics = Partial<Record<MetricName, number>>;

export const METRIC_NAMES = ['mae', 'rmse', 'ndcg1', 'ndcg3', 'ndcg10', 'recall10', 'fullNdcg10'] as const;
/** A reported metric: MAE/RMSE, nDCG@1/3/10 over the query, recall@10 and full-catalog nDCG@10. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Mean over users with a 95% bootstrap interval. */
export interface Interval {
  /** Mean over users. */
  readonly mean: number;
  /** Lower end of the interval. */
  readonly lo: number;
  /** Upper end of the interval. */
  readonly hi: number;
  /** Users the mean is over. */
  readonly n: number;
}

/**
 * A meta-learned method against the best baseline on one metric, user by
 * user: the mean of (this method − baseline) over the test users both have
 * the metric for, with a paired 95% bootstrap interval. Pairing removes the
 * spread between users that both methods share, so this interval is usually
 * much narrower than either method's own.
 */
export interface PairedDifference extends Interval {
  /** The baseline compared with: the best one on this metric by mean. */
  readonly baseline: string;
}

/** One method on one protocol (and K): every metric it has. */
export interface MethodResult {
  /** The method's name. */
  readonly method: string;
  /** `'meta'` for attune's meta-learners. */
  readonly family: 'meta' | 'baseline';
  /** The protocol, e.g. `user-cold-start@K=5`. */
  readonly protocol: string;
  /** The support size, when the protocol fixes one. */
  readonly k?: number;
  /** Every metric the method has, as mean and 95% interval. */
  readonly metrics: Partial<Record<MetricName, Interval>>;
  /** Hyperparameters the method used (given, or chosen on the validation users). */
  readonly chosen?: Readonly<Record<string, number | string>>;
  /** Meta-learned methods: the paired difference from the best baseline, per metric. */
  readonly paired?: Partial<Record<MetricName, PairedDifference>>;
}
