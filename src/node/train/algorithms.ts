import * as tf from '@tensorflow/tfjs';
import { cloneParams, type Params } from '../../core/params.js';
import { InvalidInputError } from '../../errors.js';
import { ALGORITHMS, metaSgdStep, metaSteps, type MetaStep, type MetaStepFn } from '../../meta/index.js';
import { pretrainStep } from '../../meta/pretrain.js';

export type { MetaStepFn };

/**
 * Every outer-loop algorithm of src/meta can train the recommender
 * (`attune train --algo`), plus `pretrain`: plain training with no inner loop,
 * the non-meta baseline that evaluation compares against.
 */
export const TRAIN_ALGORITHMS: readonly string[] = [...ALGORITHMS, 'pretrain'];

/**
 * The single place that maps an algorithm name to its outer step (from the
 * registry in src/meta). For 'metasgd' the step expects `[...params, ...lrs]`
 * with one rate tensor per param; `trainAlgorithm` wraps it for the trainer.
 *
 * @example
 * const step = selectAlgorithm('reptile'); // throws InvalidInputError listing TRAIN_ALGORITHMS for unknown names
 */
export function selectAlgorithm(name: string): MetaStepFn {
  if (!TRAIN_ALGORITHMS.includes(name)) {
    throw new InvalidInputError('algorithm', `unknown algorithm "${name}"; valid: ${TRAIN_ALGORITHMS.join(', ')}`);
  }
  return name === 'pretrain' ? pretrainStep : metaSteps[name as keyof typeof metaSteps];
}

/**
 * An algorithm as the trainer drives it: the meta-parameters the outer
 * optimizer updates, the step over them, and how to split the result.
 */
export interface TrainAlgorithm {
  /** New meta-parameters from θ0 (θ0 is not kept; the caller owns the result). */
  init(params: Params): tf.Tensor[];
  step: MetaStepFn;
  /** θ0 and, for Meta-SGD, the learned rates of the adapted params (views of `meta`, no copies). */
  split(meta: readonly tf.Tensor[]): { params: tf.Tensor[]; lrs?: tf.Tensor[] };
}

/**
 * The trainer's view of `name`. Most algorithms' meta-parameters are θ0
 * itself. Meta-SGD's are `[...θ0, ...rates]` with one rate tensor per
 * *adapted* param only (`mask`, the head): the tower never adapts, so rates
 * for it would be dead weight (always a zero gradient) in the optimizer and
 * the bundle. Rates start at `lr`.
 */
export function trainAlgorithm(name: string, mask: readonly boolean[], lr: number): TrainAlgorithm {
  const step = selectAlgorithm(name);
  if (name !== 'metasgd') return { init: (params) => cloneParams(params), step, split: (meta) => ({ params: [...meta] }) };
  const n = mask.length;
  const adapted = mask.flatMap((m, i) => (m ? [i] : []));
  return {
    init: (params) => [...cloneParams(params), ...adapted.map((i) => tf.fill((params[i] as tf.Tensor).shape, lr))],
    step: (model, meta, tasks, inner) => maskedMetaSgdStep(meta, n, adapted, (full) => metaSgdStep(model, full, tasks, inner)),
    split: (meta) => ({ params: meta.slice(0, n), lrs: meta.slice(n) }),
  };
}

/**
 * Runs `metaSgdStep` (which wants a rate per param) on meta-parameters that
 * hold rates for the adapted params only. The frozen params get a scalar
 * placeholder rate: `adapt` never reads it, and its zero gradient is dropped.
 */
function maskedMetaSgdStep(meta: Params, n: number, adapted: readonly number[], run: (full: Params) => MetaStep): MetaStep {
  const placeholder = tf.scalar(0);
  const rates = Array.from({ length: n }, (_, i) => {
    const k = adapted.indexOf(i);
    return k >= 0 ? (meta[n + k] as tf.Tensor) : placeholder;
  });
  try {
    const out = run([...meta.slice(0, n), ...rates]);
    const lrGrads = out.grads.slice(n);
    tf.dispose(lrGrads.filter((_, i) => !adapted.includes(i)));
    return { loss: out.loss, grads: [...out.grads.slice(0, n), ...adapted.map((i) => lrGrads[i] as tf.Tensor)] };
  } finally {
    placeholder.dispose();
  }
}
