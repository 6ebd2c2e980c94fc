import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '../../core/losses.js';
import { adam } from '../../core/optim.js';
import { disposeParams, type Params } from '../../core/params.js';
import { createRng } from '../../core/random.js';
import { algorithmByName, metaSteps, type AlgorithmName } from '../../meta/registry.js';
import type { InnerLoop } from '../../meta/types.js';
import { ENCODER_PARAM_COUNT, initEncoder, type IntentEncoderConfig } from '../../models/intent.js';
import { createEpisodeModel, disposeEpisode, sampleEpisode, type EpisodePool, type EpisodeShape } from './episodes.js';

export interface IntentMetaTrainOptions {
  readonly config: IntentEncoderConfig;
  readonly pool: EpisodePool;
  readonly shape: EpisodeShape;
  /** 'fomaml' (default), 'maml' or 'reptile'; the inner loop adapts the head residual (all params for Reptile). */
  readonly algorithm?: AlgorithmName;
  readonly iterations: number;
  readonly metaBatch?: number;
  readonly innerSteps?: number;
  readonly innerLr?: number;
  readonly outerLr?: number;
  readonly seed?: number;
  /** Start from these encoder params instead of a fresh init (not disposed). */
  readonly init?: Params;
  readonly onProgress?: (p: { iteration: number; iterations: number; loss: number }) => void;
}

/**
 * Episodic meta-training of the intent encoder with one of attune's outer
 * loops (src/meta registry). Each task is an N-way K-shot episode; the head
 * starts at the support prototypes and the inner loop refines it, so the
 * encoder learns embeddings where "prototypes + a few steps" classify well.
 * Only the encoder params are kept: the head residual is per task, so it is
 * reset to zero for every episode. Returns encoder params owned by the caller.
 */
export async function metaTrainIntents(options: IntentMetaTrainOptions): Promise<{ params: tf.Tensor[]; losses: number[] }> {
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
