import { InvalidInputError } from '../../errors.js';
import { ALGORITHMS, metaSteps, type MetaStepFn } from '../../meta/index.js';

export type { MetaStepFn };

/**
 * Algorithms whose meta-parameters are exactly the model's params. Meta-SGD
 * also learns per-parameter inner rates (`[...θ0, ...lrs]`), which the trainer
 * and bundle writer do not carry yet, so it is left out here.
 */
export const TRAIN_ALGORITHMS: readonly string[] = ALGORITHMS.filter((name) => name !== 'metasgd');

/**
 * The single place that maps an algorithm name to its outer step (from the
 * registry in src/meta), so enabling another algorithm is a one-line change.
 */
export function selectAlgorithm(name: string): MetaStepFn {
  if (!TRAIN_ALGORITHMS.includes(name)) {
    throw new InvalidInputError('algorithm', `unknown algorithm "${name}"; valid: ${TRAIN_ALGORITHMS.join(', ')}`);
  }
  return metaSteps[name as keyof typeof metaSteps];
}
