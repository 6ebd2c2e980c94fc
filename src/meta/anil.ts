import { InvalidInputError } from '../errors.js';
import type { Model } from '../core/model.js';
import type { Params } from '../core/params.js';
import { fomamlStep } from './fomaml.js';
import { mamlStep } from './maml.js';
import type { InnerLoop, MetaStep, Task } from './types.js';

/**
 * Options of `anilStep`.
 *
 * @example
 * anilStep(model, params, tasks, inner, { firstOrder: true });
 */
export interface AnilOptions {
  /**
   * Skip the second-order terms (query gradient at the adapted params). Default false.
   *
   * @example
   * anilStep(model, params, tasks, { ...inner, mask }, { firstOrder: true });
   */
  readonly firstOrder?: boolean;
}

/**
 * ANIL ("almost no inner loop"): only the params selected by `inner.mask`
 * (the head) adapt in the inner loop; the body is learned in the outer loop
 * only. Second order by default — the meta-gradient differentiates through the
 * head's inner steps, including how the body shapes them — or first order.
 * Throws `InvalidInputError` unless the mask selects some but not all params.
 * @see Raghu, Raghu, Bengio & Vinyals 2020, "Rapid Learning or Feature Reuse?
 *   Towards Understanding the Effectiveness of MAML", ICLR,
 *   https://arxiv.org/abs/1909.09157
 *
 * @example
 * const mask = model.specs.map((s) => s.group === 'head');
 * const { grads, loss } = anilStep(model, params, tasks, { steps: 5, lr: 0.01, loss: mse, mask });
 */
export function anilStep<X>(
  model: Model<X>,
  params: Params,
  tasks: readonly Task<X>[],
  inner: InnerLoop,
  { firstOrder = false }: AnilOptions = {},
): MetaStep {
  const mask = inner.mask;
  if (!mask || !mask.some(Boolean) || mask.every(Boolean)) {
    throw new InvalidInputError('inner.mask', 'ANIL needs a mask that adapts some params (the head) but not all');
  }
  return firstOrder ? fomamlStep(model, params, tasks, inner) : mamlStep(model, params, tasks, inner);
}
