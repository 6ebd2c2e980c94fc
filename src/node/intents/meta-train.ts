import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '../../core/losses.js';
import { adam } from '../../core/optim.js';
import { disposeParams, type Params } from '../../core/params.js';
import { createRng } from '../../core/random.js';
import { algorithmByName, metaSteps, type AlgorithmName } from '../../meta/registry.js';
import type { InnerLoop } from '../../meta/types.js';
import { ENCODER_PARAM_COUNT, initEncoder, type IntentEncoderConfig } from '../../models/intent.js';
import { createEpisodeModel, disposeEpisode, sampleEpisode, type EpisodePool, type EpisodeShape } from './episodes.js';

/**
 * Options of `metaTrainIntents`: the encoder, the episode pool and shape, and the outer loop.
 *
 * @example
 * const { params } = await metaTrainIntents({ config: INTENT_ENCODER, pool, shape: { ways: 5, shots: 5, queries: 10, prior: true }, iterations: 500 });
 */
export interface IntentMetaTrainOptions {
  /**
   * The encoder's shape and featurizer.
   *
   * @example
   * await metaTrainIntents({ ...options, config: INTENT_ENCODER });
   */
  readonly config: IntentEncoderConfig;
  /**
   * The featurized corpus episodes are drawn from.
   *
   * @example
   * await metaTrainIntents({ ...options, pool: episodePool(texts, labels, 6) });
   */
  readonly pool: EpisodePool;
  /**
   * Ways, shots and queries per episode.
   *
   * @example
   * await metaTrainIntents({ ...options, shape: { ways: 10, shots: 5, queries: 5, prior: true } });
   */
  readonly shape: EpisodeShape;
  /**
   * 'fomaml' (default), 'maml' or 'reptile'; the inner loop adapts the head residual (all params for Reptile).
   *
   * @example
   * await metaTrainIntents({ ...options, algorithm: 'reptile' });
   */
  readonly algorithm?: AlgorithmName;
  /**
   * Outer steps.
   *
   * @example
   * await metaTrainIntents({ ...options, iterations: 2000 });
   */
  readonly iterations: number;
  /**
   * Episodes per outer step; default 2.
   *
   * @example
   * await metaTrainIntents({ ...options, metaBatch: 4 });
   */
  readonly metaBatch?: number;
  /**
   * Inner steps on the head residual; default 3.
   *
   * @example
   * await metaTrainIntents({ ...options, innerSteps: 5 });
   */
  readonly innerSteps?: number;
  /**
   * Inner learning rate; default 0.02.
   *
   * @example
   * await metaTrainIntents({ ...options, innerLr: 0.05 });
   */
  readonly innerLr?: number;
  /**
   * Adam rate of the outer loop; default 0.003.
   *
   * @example
   * await metaTrainIntents({ ...options, outerLr: 1e-3 });
   */
  readonly outerLr?: number;
  /**
   * Seeds the init and the episodes; default 0.
   *
   * @example
   * await metaTrainIntents({ ...options, seed: 7 });
   */
  readonly seed?: number;
  /**
   * Start from these encoder params instead of a fresh init (not disposed).
   *
   * @example
   * await metaTrainIntents({ ...options, init: pretrained.params });
   */
  readonly init?: Params;
  /**
   * Called after every outer step.
   *
   * @example
   * await metaTrainIntents({ ...options, onProgress: ({ iteration, loss }) => iteration % 100 === 0 && console.log(iteration, loss) });
   */
  readonly onProgress?: (p: { iteration: number; iterations: number; loss: number }) => void;
}

/**
 * Episodic meta-training of the intent encoder with one of attune's outer
 * loops (src/meta registry). Each task is an N-way K-shot episode; the head
 * starts at the support prototypes and the inner loop refines it, so the
 * encoder learns embeddings where "prototypes + a few steps" classify well.
 * Only the encoder params are kept: the head residual is per task, so it is
 * reset to zero for every episode. Returns encoder params owned by the caller.
 *
 * @example
 * const pool = episodePool(train.texts.map((t) => featurize(t, DEFAULT_FEATURIZER)), train.labels, 6);
 * const { params, losses } = await metaTrainIntents({ config: INTENT_ENCODER, pool, shape: { ways: 5, shots: 5, queries: 5, prior: true }, iterations: 1000 });
 */
export async function metaTrainIntents(options: IntentMetaTrainOptions): Promise<{
  /** Encoder params; the caller owns (and disposes) them. */
  params: tf.Tensor[];
  /** Loss of every iteration. */
  losses: number[];
}> {
  const algorithm = algorithmByName(options.algorithm ?? 'fomaml');
  if (algorithm === 'metasgd' || algorithm === 'anil') throw new Error(`intent meta-training supports fomaml, maml and reptile; got ${algorithm}`);
  const { config, shape, iterations } = options;
  const model = createEpisodeModel(config, shape.ways);
  const rng = createRng(options.seed ?? 0);
  const steps = options.innerSteps ?? 3;
  const headOnly = model.specs.map((_, i) => i >= ENCODER_PARAM_COUNT);
  const inner: InnerLoop = { steps, lr: options.innerLr ?? 0.02, loss: softmaxCrossEntropy, ...(algorithm === 'reptile' ? {} : { mask: headOnly }) };
  const outer = adam(options.outerLr ?? 3e-3);
  let enc = options.init ? options.init.map((p) => tf.clone(p)) : initEncoder(config, options.seed ?? 0);
  let state = outer.init(enc);
  const losses: number[] = [];
  try {
    for (let it = 0; it < iterations; it++) {
      const tasks = Array.from({ length: options.metaBatch ?? 2 }, () => sampleEpisode(options.pool, shape, rng));
      const residual = [tf.zeros([shape.ways, config.dim]), tf.zeros([shape.ways])];
      let step;
      try {
        step = metaSteps[algorithm](model, [...enc, ...residual], tasks, inner);
      } finally {
        tasks.forEach(disposeEpisode);
        tf.dispose(residual);
      }
      const next = outer.update(step.grads.slice(0, ENCODER_PARAM_COUNT), state, enc);
      disposeParams(step.grads);
      disposeParams(enc);
      if (next.state !== state) outer.disposeState(state);
      enc = next.params;
      state = next.state;
      losses.push(step.loss);
      options.onProgress?.({ iteration: it + 1, iterations, loss: step.loss });
      if ((it + 1) % 10 === 0) await tf.nextFrame();
    }
  } catch (err) {
    disposeParams(enc);
    throw err;
  } finally {
    outer.disposeState(state);
  }
  return { params: enc, losses };
}
