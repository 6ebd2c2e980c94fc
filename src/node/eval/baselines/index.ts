import type { EvalSplit } from '../types.js';
import { createBias } from './bias.js';
import type { TunedScorer } from './common.js';
import { createCooccurrence } from './cooccurrence.js';
import { createMatrixFactorization } from './matrix-factorization.js';
import { createPopularity } from './popularity.js';

export { createBias, fitBias, predictBias, userBias, BIAS_SHRINKAGE_GRID, type BiasModel, type BiasOptions } from './bias.js';
export { createCooccurrence, COOCCURRENCE_NORMALIZATIONS, type CooccurrenceOptions } from './cooccurrence.js';
export { createMatrixFactorization, fitMf, foldIn, predictMf, MF_FOLD_GRID, MF_TRAIN_GRID, type MfModel, type MfOptions } from './matrix-factorization.js';
export { createPopularity, popularityCounts } from './popularity.js';
export { ratingTriples, type RatingTriples, type TunedScorer } from './common.js';

/** The non-meta baselines by name, each trained only on `split.train` and tuned only on `split.validation`. */
export const BASELINES = {
  /** Most interacted items first, the same for everyone. */
  popularity: createPopularity,
  /** Global mean plus item and user biases (ratings). */
  bias: createBias,
  /** Matrix factorization with the new user folded in (ratings). */
  'matrix-factorization': createMatrixFactorization,
  /** Items co-occurring with the user's support items. */
  cooccurrence: createCooccurrence,
} as const satisfies Record<string, (split: EvalSplit) => Promise<TunedScorer>>;

/** A baseline's name (a key of BASELINES). */
export type BaselineName = keyof typeof BASELINES;

/** Baselines that need rating data (the others also run on implicit feedback). */
export const RATING_BASELINES: readonly BaselineName[] = ['bias', 'matrix-factorization'];
