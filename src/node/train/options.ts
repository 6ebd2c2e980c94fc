import type { Feedback } from '../../models/recommender.js';

/**
 * Live progress of meta-training, reported after every outer step.
 *
 * @example
 * await trainRecommender(data, { onProgress: (p) => console.log(`${p.iteration}/${p.iterations} loss ${p.loss.toFixed(3)} eta ${p.etaSeconds.toFixed(0)} s`) });
 */
export interface TrainProgress {
  /** Outer steps done. */
  readonly iteration: number;
  /** Outer steps in total. */
  readonly iterations: number;
  /** User tasks seen so far. */
  readonly tasks: number;
  /** Throughput so far. */
  readonly tasksPerSecond: number;
  /** Smoothed mean query loss after adaptation. */
  readonly loss: number;
  /** Estimated seconds left. */
  readonly etaSeconds: number;
}

/**
 * Options of `trainRecommender` (and `attune train`); every field has a default.
 *
 * @example
 * const result = await trainRecommender(data, { algorithm: 'reptile', iterations: 500, seed: 3 });
 */
export interface TrainOptions {
  /**
   * Outer-loop algorithm (see `TRAIN_ALGORITHMS`); default `fomaml` for ratings, `reptile` for implicit events.
   *
   * @example
   * await trainRecommender(data, { algorithm: 'metasgd' });
   */
  readonly algorithm?: string;
  /**
   * Outer steps; default 300.
   *
   * @example
   * await trainRecommender(data, { iterations: 1000 });
   */
  readonly iterations?: number;
  /**
   * Tasks (users) per outer step; default 8.
   *
   * @example
   * await trainRecommender(data, { metaBatch: 16 });
   */
  readonly metaBatch?: number;
  /**
   * Inner SGD steps, also shipped to the browser; default 5.
   *
   * @example
   * await trainRecommender(data, { innerSteps: 3 });
   */
  readonly innerSteps?: number;
  /**
   * Inner learning rate, also shipped to the browser; default 0.1 for ratings, 0.5 for implicit events.
   *
   * @example
   * await trainRecommender(data, { innerLr: 0.2 });
   */
  readonly innerLr?: number;
  /**
   * `mf`: start the item tower (and a linear head) from matrix factorization of the training ratings; default `none`.
   *
   * @example
   * await trainRecommender(data, { warmStart: 'mf' });
   */
  readonly warmStart?: 'mf' | 'none';
  /**
   * Prior pseudo-count of the inner loop (support loss × n/(n+c)), also shipped; default 0.
   *
   * @example
   * await trainRecommender(data, { priorCount: 2 });
   */
  readonly priorCount?: number;
  /**
   * Adam learning rate of the outer loop; default 0.01.
   *
   * @example
   * await trainRecommender(data, { outerLr: 0.003 });
   */
  readonly outerLr?: number;
  /**
   * Fraction of users held out for validation; default 0.2.
   *
   * @example
   * await trainRecommender(data, { holdout: 0.1 });
   */
  readonly holdout?: number;
  /**
   * Use at most this many users (after a seeded shuffle).
   *
   * @example
   * await trainRecommender(data, { maxUsers: 500 });
   */
  readonly maxUsers?: number;
  /**
   * Default 1; the same seed reproduces the same weights.
   *
   * @example
   * await trainRecommender(data, { seed: 42 });
   */
  readonly seed?: number;
  /**
   * Override the dataset's feedback kind (ratings can train `implicit`: rating ≥ 4 is a positive).
   *
   * @example
   * await trainRecommender(data, { feedback: 'implicit' });
   */
  readonly feedback?: Feedback;
  /**
   * Id embeddings for at most this many catalog rows (the first ones; see `compactDataset`); default every item.
   *
   * @example
   * await trainRecommender(data, { maxIds: 2000 });
   */
  readonly maxIds?: number;
  /**
   * Item embedding size; default 24.
   *
   * @example
   * await trainRecommender(data, { dim: 32 });
   */
  readonly dim?: number;
  /**
   * Head hidden layers; default [32].
   *
   * @example
   * await trainRecommender(data, { hidden: [64, 32] });
   */
  readonly hidden?: readonly number[];
  /**
   * Training support sizes (distinct items), drawn per task in [min, max]; default [3, 12] implicit, [5, 20] ratings.
   *
   * @example
   * await trainRecommender(data, { supportRange: [5, 15] });
   */
  readonly supportRange?: readonly [number, number];
  /**
   * Support size of held-out users; default 5 implicit, 10 ratings.
   *
   * @example
   * await trainRecommender(data, { evalSupport: 8 });
   */
  readonly evalSupport?: number;
  /**
   * Most recent support events used (the browser does the same); default 100.
   *
   * @example
   * await trainRecommender(data, { maxSupport: 50 });
   */
  readonly maxSupport?: number;
  /**
   * Query positives per training task; default 32.
   *
   * @example
   * await trainRecommender(data, { maxQuery: 16 });
   */
  readonly maxQuery?: number;
  /**
   * Implicit: sampled negatives per positive in support and training queries; default 4.
   *
   * @example
   * await trainRecommender(data, { negativesPerPositive: 8 });
   */
  readonly negativesPerPositive?: number;
  /**
   * Implicit: sampled negatives per positive when ranking held-out queries; default 20.
   *
   * @example
   * await trainRecommender(data, { evalNegatives: 50 });
   */
  readonly evalNegatives?: number;
  /**
   * Evaluate at most this many held-out users; default 400.
   *
   * @example
   * await trainRecommender(data, { evalUsers: 200 });
   */
  readonly evalUsers?: number;
  /**
   * Called after every outer step.
   *
   * @example
   * await trainRecommender(data, { onProgress: ({ iteration, loss }) => iteration % 50 === 0 && console.log(iteration, loss) });
   */
  readonly onProgress?: (progress: TrainProgress) => void;
}

export type ResolvedTrainOptions = Required<Omit<TrainOptions, 'maxUsers' | 'maxIds' | 'onProgress' | 'feedback'>> &
  Pick<TrainOptions, 'maxUsers' | 'maxIds' | 'onProgress'> & { readonly feedback: Feedback };

export function resolveTrainOptions(o: TrainOptions, dataFeedback: Feedback): ResolvedTrainOptions {
  const feedback = o.feedback ?? dataFeedback;
  const rating = feedback === 'rating';
  return {
    algorithm: o.algorithm ?? (rating ? 'fomaml' : 'reptile'),
    iterations: o.iterations ?? 300,
    metaBatch: o.metaBatch ?? 8,
    innerSteps: o.innerSteps ?? 5,
    innerLr: o.innerLr ?? (rating ? 0.1 : 0.5),
    outerLr: o.outerLr ?? 0.01,
    priorCount: o.priorCount ?? 0,
    warmStart: o.warmStart ?? 'none',
    holdout: o.holdout ?? 0.2,
    seed: o.seed ?? 1,
    feedback,
    dim: o.dim ?? 24,
    hidden: o.hidden ?? [32],
    supportRange: o.supportRange ?? (rating ? [5, 20] : [3, 12]),
    evalSupport: o.evalSupport ?? (rating ? 10 : 5),
    maxSupport: o.maxSupport ?? 100,
    maxQuery: o.maxQuery ?? 32,
    negativesPerPositive: o.negativesPerPositive ?? 4,
    evalNegatives: o.evalNegatives ?? 20,
    evalUsers: o.evalUsers ?? 400,
    maxUsers: o.maxUsers,
    maxIds: o.maxIds,
    onProgress: o.onProgress,
  };
}
