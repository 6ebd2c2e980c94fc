import { AttuneError } from '../../errors.js';

/**
 * Meta-training diverged: the loss or the parameters stopped being finite
 * numbers, almost always because a learning rate is too large. Nothing is
 * written: a bundle of NaN weights would only fail later, in the browser.
 *
 * @example
 * try {
 *   await trainRecommender(data, { innerLr: 1e6 });
 * } catch (e) {
 *   if (e instanceof TrainingDivergedError) console.error(`diverged at iteration ${e.iteration}: lower the learning rates`);
 * }
 */
export class TrainingDivergedError extends AttuneError {
  /** The 1-based outer iteration at which the numbers were no longer finite. */
  readonly iteration: number;
  constructor(iteration: number, what: string) {
    super('training-diverged', `meta-training diverged: ${what} at iteration ${iteration}; lower --inner-lr / --outer-lr (innerLr / outerLr)`);
    this.name = 'TrainingDivergedError';
    this.iteration = iteration;
  }
}

