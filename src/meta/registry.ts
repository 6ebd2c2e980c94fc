import { InvalidInputError } from '../errors.js';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import { anilStep } from './anil.js';
import { fomamlStep } from './fomaml.js';
import { mamlStep } from './maml.js';
import { metaSgdStep } from './meta-sgd.js';
import { reptileStep } from './reptile.js';
import type { InnerLoop, MetaStep, Task } from './types.js';

/** The outer-loop algorithms attune offers, by name (`attune train --algo`). */
export const ALGORITHMS = ['maml', 'fomaml', 'reptile', 'metasgd', 'anil'] as const;
/** One of ALGORITHMS. */
export type AlgorithmName = (typeof ALGORITHMS)[number];

/**
 * The shared shape of every algorithm: meta-parameters (θ0, or for Meta-SGD
 * `[...θ0, ...lrs]`) and a meta-batch in, a descent direction per
 * meta-parameter and the mean query loss out. The caller owns `grads`.
 *
 * @example
 * const step: MetaStepFn = metaSteps[algorithmByName('reptile')];
 * const { grads, loss } = step(model, params, tasks, { steps: 5, lr: 0.01, loss: mse });
 */
export type MetaStepFn = <X>(model: Model<X>, metaParams: Params, tasks: readonly Task<X>[], inner: InnerLoop) => MetaStep;

/** Each algorithm's meta-step, by name. */
export const metaSteps: Readonly<Record<AlgorithmName, MetaStepFn>> = {
  maml: mamlStep,
  fomaml: fomamlStep,
  reptile: reptileStep,
  metasgd: metaSgdStep,
  anil: (model, params, tasks, inner) => anilStep(model, params, tasks, inner),
};

/**
 * Validates an algorithm name; throws `InvalidInputError` listing the valid names.
 *
 * @example
 * const name = algorithmByName(process.argv[2] ?? 'fomaml'); // throws InvalidInputError for unknown names
 */
export function algorithmByName(name: string): AlgorithmName {
  if (!(ALGORITHMS as readonly string[]).includes(name)) {
    throw new InvalidInputError('algorithm', `unknown algorithm "${name}"; valid: ${ALGORITHMS.join(', ')}`);
  }
  return name as AlgorithmName;
}
