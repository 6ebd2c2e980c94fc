import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';
import type { Model } from '../core/model.js';
import type { Optimizer } from '../core/optim.js';
import { cloneParams, disposeParams, type Params } from '../core/params.js';
import { createRng, type Rng } from '../core/random.js';
import { anilStep } from './anil.js';
import { initMetaSgdLrs, splitMetaSgd } from './meta-sgd.js';
import { algorithmByName, metaSteps, type AlgorithmName } from './registry.js';
import type { InnerLoop, MetaStep, Task } from './types.js';
import { verifyMetaGradient } from './verify.js';

/**
 * Progress of `metaTrain`, after every iteration.
 *
 * @example
 * await metaTrain({ ...options, onProgress: ({ iteration, iterations, loss }) => console.log(`${iteration}/${iterations}: ${loss.toFixed(4)}`) });
 */
export interface MetaTrainProgress {
  /** 1-based index of the finished iteration. */
  readonly iteration: number;
  /** Iterations in total. */
  readonly iterations: number;
  /** Mean query loss after adaptation over this iteration's meta-batch. */
  readonly loss: number;
}

/**
 * Options of `metaTrain`: the model and θ0, the algorithm, inner loop and outer optimizer, and where tasks come from.
 *
 * @example
 * const result = await metaTrain({ model, params: model.init(0), algorithm: 'maml', inner: { steps: 1, lr: 0.01, loss: mse }, outer: adam(0.001), sampleTasks: (it, rng) => sinusoidTasks(10, rng), iterations: 2000 });
 */
export interface MetaTrainOptions<X> {
  /**
   * The model whose initialization is meta-learned.
   *
   * @example
   * await metaTrain({ ...options, model: trainingModel(createRecommender(config)) });
   */
  readonly model: Model<X>;
  /**
   * Starting θ0. Not disposed; the result holds new tensors.
   *
   * @example
   * await metaTrain({ ...options, params: model.init(0) });
   */
  readonly params: Params;
  /**
   * The outer-loop algorithm (one of ALGORITHMS).
   *
   * @example
   * await metaTrain({ ...options, algorithm: 'reptile' });
   */
  readonly algorithm: AlgorithmName;
  /**
   * Inner loop; for 'metasgd' a number `lr` is the initial value of every learned rate.
   *
   * @example
   * await metaTrain({ ...options, inner: { steps: 3, lr: 0.01, loss: mse } });
   */
  readonly inner: InnerLoop;
  /**
   * Outer optimizer over the meta-parameters (see `Optimizer`).
   *
   * @example
   * await metaTrain({ ...options, outer: adam(0.001) });
   */
  readonly outer: Optimizer<unknown>;
  /**
   * The meta-batch for an iteration (its length is the meta-batch size).
   * Tensors in the returned tasks are disposed by `metaTrain` after the
   * iteration unless `disposeTasks` is false (then the caller owns them, e.g.
   * tensors shared across iterations).
   *
   * @example
   * await metaTrain({ ...options, sampleTasks: (it, rng) => sinusoidTasks(8, rng) });
   */
  readonly sampleTasks: (iteration: number, rng: Rng) => Task<X>[];
  /**
   * Outer steps.
   *
   * @example
   * await metaTrain({ ...options, iterations: 1000 });
   */
  readonly iterations: number;
  /**
   * Seeds the `rng` passed to `sampleTasks`. Default 0.
   *
   * @example
   * await metaTrain({ ...options, seed: 3 });
   */
  readonly seed?: number;
  /**
   * Whether `metaTrain` disposes each meta-batch's tensors after the step (default true).
   *
   * @example
   * await metaTrain({ ...options, disposeTasks: false });
   */
  readonly disposeTasks?: boolean;
  /**
   * For 'anil': drop the second-order terms. Default false.
   *
   * @example
   * await metaTrain({ ...options, firstOrder: true });
   */
  readonly firstOrder?: boolean;
  /**
   * Called after every iteration.
   *
   * @example
   * await metaTrain({ ...options, onProgress: (p) => bar.update(p.iteration / p.iterations) });
   */
  readonly onProgress?: (progress: MetaTrainProgress) => void;
  /**
   * Before the first second-order step ('maml', 'metasgd', second-order
   * 'anil'), check the meta-gradient against finite differences on the first
   * task and throw `MetaGradientError` if the model uses tape-unsafe ops.
   * Default false (costs two forward passes per parameter tensor, once).
   *
   * @example
   * await metaTrain({ ...options, verify: true });
   */
  readonly verify?: boolean;
  /**
   * Yield to the event loop every this many iterations (default 10), so progress can render.
   *
   * @example
   * await metaTrain({ ...options, yieldEvery: 50 });
   */
  readonly yieldEvery?: number;
}

/**
 * What `metaTrain` returns; the caller disposes the tensors.
 *
 * @example
 * const { params, losses } = await metaTrain(options);
 * console.log(losses.at(-1));
 * disposeParams(params);
 */
export interface MetaTrainResult {
  /** The meta-learned θ0; owned by the caller. */
  readonly params: tf.Tensor[];
  /** Meta-SGD's learned per-parameter inner rates (shapes of `params`); owned by the caller. */
  readonly lrs?: tf.Tensor[];
  /** Mean query loss of every iteration. */
  readonly losses: number[];
}

/**
 * The generic outer loop: samples a meta-batch, asks the algorithm for a
 * meta-step, applies it with the outer optimizer. Leaves no tensors behind
 * except the result.
 *
 * @example
 * const { params } = await metaTrain({ model, params: model.init(0), algorithm: 'fomaml', inner: { steps: 5, lr: 0.01, loss: mse }, outer: adam(0.001), sampleTasks: (it, rng) => sinusoidTasks(8, rng), iterations: 500 });
 */
export async function metaTrain<X>(options: MetaTrainOptions<X>): Promise<MetaTrainResult> {
  const { model, algorithm, inner, outer, iterations } = options;
  algorithmByName(algorithm);
  if (!Number.isInteger(iterations) || iterations < 0) throw new InvalidInputError('iterations', `must be an integer ≥ 0, got ${iterations}`);
  const rng = createRng(options.seed ?? 0);
  const step = stepFor<X>(algorithm, options.firstOrder ?? false);
  const stepInner: InnerLoop = algorithm === 'metasgd' ? { ...inner, lr: 0 } : inner;
  let meta = initialMetaParams(options.params, algorithm, inner);
  let state = outer.init(meta);
  const losses: number[] = [];
  try {
    for (let it = 0; it < iterations; it++) {
      const tasks = options.sampleTasks(it, rng);
      let result: MetaStep;
      try {
        if (it === 0 && options.verify) verifyFirstTask(options, meta, tasks);
        result = step(model, meta, tasks, stepInner);
      } finally {
        if (options.disposeTasks ?? true) tf.dispose(tasks as unknown as tf.TensorContainer);
      }
      const next = outer.update(result.grads, state, meta);
      disposeParams(result.grads);
      disposeParams(meta);
      if (next.state !== state) outer.disposeState(state);
      meta = next.params;
      state = next.state;
      losses.push(result.loss);
      options.onProgress?.({ iteration: it + 1, iterations, loss: result.loss });
      if ((it + 1) % (options.yieldEvery ?? 10) === 0) await tf.nextFrame();
    }
  } catch (err) {
    disposeParams(meta);
    throw err;
  } finally {
    outer.disposeState(state);
  }
  if (algorithm !== 'metasgd') return { params: meta, losses };
  const { params, lrs } = splitMetaSgd(meta);
  return { params: [...params], lrs: [...lrs], losses };
}

/** `verify`: second-order algorithms only; Meta-SGD is checked at its current learned rates. */
function verifyFirstTask<X>(options: MetaTrainOptions<X>, meta: Params, tasks: readonly Task<X>[]): void {
  const { algorithm, inner, model } = options;
  const secondOrder = algorithm === 'maml' || algorithm === 'metasgd' || (algorithm === 'anil' && !options.firstOrder);
  if (!secondOrder || !tasks[0]) return;
  if (algorithm === 'metasgd') {
    const { params, lrs } = splitMetaSgd(meta);
    verifyMetaGradient(model, params, tasks[0], { ...inner, lr: lrs });
  } else {
    verifyMetaGradient(model, meta, tasks[0], inner);
  }
}

function stepFor<X>(algorithm: AlgorithmName, firstOrder: boolean) {
  if (algorithm === 'anil') {
    return (m: Model<X>, p: Params, t: readonly Task<X>[], i: InnerLoop) => anilStep(m, p, t, i, { firstOrder });
  }
  return metaSteps[algorithm];
}

function initialMetaParams(params: Params, algorithm: AlgorithmName, inner: InnerLoop): tf.Tensor[] {
  if (algorithm !== 'metasgd') return cloneParams(params);
  const lrs = typeof inner.lr === 'number' ? initMetaSgdLrs(params, inner.lr) : cloneParams(inner.lr);
  return [...cloneParams(params), ...lrs];
}
