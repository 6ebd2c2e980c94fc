import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '../../core/losses.js';
import { adam } from '../../core/optim.js';
import { disposeParams } from '../../core/params.js';
import { createRng, shuffle } from '../../core/random.js';
import { classifierScalars, disposeSparseBatch, encode, ENCODER_PARAM_COUNT, initEncoder, toSparseBatch, type IntentEncoderConfig } from '../../models/intent.js';
import { headLogits } from '../../models/intent-head.js';
import type { SparseText } from '../../text/featurize.js';
import { oneHot } from './episodes.js';

/**
 * Options of `pretrainIntents` (the supervised baseline).
 *
 * @example
 * const { params } = await pretrainIntents({ config: INTENT_ENCODER, texts, labels, iterations: 2000 });
 */
export interface PretrainOptions {
  /**
   * The encoder's shape and featurizer.
   *
   * @example
   * await pretrainIntents({ ...options, config: INTENT_ENCODER });
   */
  readonly config: IntentEncoderConfig;
  /**
   * Featurized questions.
   *
   * @example
   * await pretrainIntents({ ...options, texts: train.texts.map((t) => featurize(t, DEFAULT_FEATURIZER)) });
   */
  readonly texts: readonly SparseText[];
  /**
   * Their intents, aligned with `texts`.
   *
   * @example
   * await pretrainIntents({ ...options, labels: train.labels });
   */
  readonly labels: readonly string[];
  /**
   * Optimizer steps.
   *
   * @example
   * await pretrainIntents({ ...options, iterations: 500 });
   */
  readonly iterations: number;
  /**
   * Questions per step; default 128.
   *
   * @example
   * await pretrainIntents({ ...options, batchSize: 256 });
   */
  readonly batchSize?: number;
  /**
   * Adam learning rate; default 0.003.
   *
   * @example
   * await pretrainIntents({ ...options, lr: 1e-3 });
   */
  readonly lr?: number;
  /**
   * Seeds the init and the batches; default 0.
   *
   * @example
   * await pretrainIntents({ ...options, seed: 2 });
   */
  readonly seed?: number;
  /**
   * Called after every step.
   *
   * @example
   * await pretrainIntents({ ...options, onProgress: (p) => console.log(p.iteration, p.loss) });
   */
  readonly onProgress?: (p: { iteration: number; iterations: number; loss: number }) => void;
}

/**
 * The non-meta baseline: the same encoder trained as an ordinary
 * classifier over every source-domain intent (a cosine softmax head that is
 * thrown away afterwards), the usual "pretrain, then fine-tune" recipe.
 * Returns encoder params owned by the caller.
 *
 * @example
 * const { params, losses } = await pretrainIntents({ config: INTENT_ENCODER, texts, labels: train.labels, iterations: 1000 });
 */
export async function pretrainIntents(options: PretrainOptions): Promise<{
  /** Encoder params; the caller owns (and disposes) them. */
  params: tf.Tensor[];
  /** Loss of every iteration. */
  losses: number[];
}> {
  const { config, texts, iterations } = options;
  const classes = [...new Set(options.labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = options.labels.map((l) => index.get(l) as number);
  const rng = createRng(options.seed ?? 0);
  const head = tf.randomNormal([classes.length, config.dim], 0, 0.05, 'float32', options.seed ?? 0);
  let params: tf.Tensor[] = [...initEncoder(config, options.seed ?? 0), head];
  const opt = adam(options.lr ?? 3e-3);
  let state = opt.init(params);
  const batchSize = options.batchSize ?? 128;
  let order: number[] = [];
  const losses: number[] = [];
  try {
    for (let it = 0; it < iterations; it++) {
      if (order.length < batchSize) order = shuffle([...texts.keys()], rng);
      const rows = order.splice(0, batchSize);
      const batch = toSparseBatch(rows.map((r) => texts[r] as SparseText));
      const target = oneHot(rows.map((r) => y[r] as number), classes.length);
      const out = tf.valueAndGrads((...p: tf.Tensor[]) => {
        const enc = p.slice(0, ENCODER_PARAM_COUNT);
        const kernel = tf.div(p[ENCODER_PARAM_COUNT] as tf.Tensor, tf.norm(p[ENCODER_PARAM_COUNT] as tf.Tensor, 'euclidean', -1, true));
        const loss = softmaxCrossEntropy(headLogits(kernel, tf.scalar(0), { z: encode(enc, batch) }, classifierScalars(enc)), target);
        // The sparse-prior weight plays no part here; a zero term keeps its gradient defined (zero).
        return tf.add(loss, tf.mul(0, tf.sum(enc[6] as tf.Tensor))) as tf.Scalar;
      })(params);
      disposeSparseBatch(batch);
      target.dispose();
      const next = opt.update(out.grads, state, params);
      tf.dispose(out.grads);
      disposeParams(params);
      if (next.state !== state) opt.disposeState(state);
      params = next.params;
      state = next.state;
      losses.push(out.value.dataSync()[0] as number);
      out.value.dispose();
      options.onProgress?.({ iteration: it + 1, iterations, loss: losses[losses.length - 1] as number });
      if ((it + 1) % 10 === 0) await tf.nextFrame();
    }
  } finally {
    opt.disposeState(state);
  }
  const encoder = params.slice(0, ENCODER_PARAM_COUNT);
  (params[ENCODER_PARAM_COUNT] as tf.Tensor).dispose();
  return { params: encoder, losses };
}
