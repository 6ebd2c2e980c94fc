import * as tf from '@tensorflow/tfjs';
import { encodeBundle, type EncodedBundle } from '../../bundle/write.js';
import { initParams } from '../../core/params.js';
import { createRecommender } from '../../models/recommender.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainOptions } from '../train/options.js';
import { trainRecommender, type TrainResult } from '../train/train-recommender.js';
import { engineScorer } from './engine-scorer.js';
import type { EvalSplit, Scorer } from './types.js';

/** attune's meta-learned initializations, each evaluated through the browser's engine. */
export const META_METHODS: readonly string[] = ['maml', 'fomaml', 'reptile', 'metasgd', 'anil'];

/**
 * Trains the recommender on a split's training interactions only (the
 * meta-train users; for item cold-start without the new items), with every
 * user in training (validation/test users are the split's own).
 *
 * @example
 * const { data: trainData, result } = await trainOnSplit(split, { algorithm: 'fomaml', iterations: 200 });
 */
export async function trainOnSplit(
  split: EvalSplit,
  options: TrainOptions,
): Promise<{
  /** The training dataset (meta-train users only). */
  data: Dataset;
  /** The training run; the caller disposes its tensors. */
  result: TrainResult;
}> {
  const data: Dataset = { ...split.data, interactions: split.train };
  const result = await trainRecommender(data, { ...options, holdout: 0, evalUsers: 0 });
  return { data, result };
}

export interface BundleOverrides {
  /** Inner learning rate to ship instead of the trained one (drops learned rates). */
  readonly lr?: number;
  /** Replace θ0 of the head by a fresh random initialization with this seed ("trained from scratch"). */
  readonly freshHeadSeed?: number;
}

/**
 * The bundle a training run would ship, in memory, optionally with another inner rate or a fresh head.
 *
 * @example
 * const bundle = await bundleOf(data, result, { lr: 0.1 });
 * const scorer = await engineScorer(bundle, { name: 'fomaml@lr0.1', family: 'meta', adapt: true });
 */
export async function bundleOf(data: Dataset, result: TrainResult, o: BundleOverrides = {}): Promise<EncodedBundle> {
  const model = createRecommender(result.config);
  const fresh = o.freshHeadSeed === undefined ? null : initParams(model.head.specs, o.freshHeadSeed);
  const params = fresh ? [...result.params.slice(0, model.towerSize), ...fresh] : result.params;
  const lrs = o.lr === undefined ? result.lrs : undefined;
  try {
    return await encodeBundle({
      config: result.config,
      params,
      ...(lrs ? { lrs } : {}),
      catalog: { ids: data.items.map((it) => it.id), features: data.items.map((it) => it.features), known: result.known },
      inner: o.lr === undefined ? result.inner : { ...result.inner, lr: o.lr },
      training: result.training,
      createdAt: '1970-01-01T00:00:00.000Z',
    });
  } finally {
    if (fresh) tf.dispose(fresh);
  }
}

export const disposeResult = (r: TrainResult): void => tf.dispose([...r.params, ...(r.lrs ?? [])]);

/** A meta-learned method as the browser runs it: θ0 (and its inner loop) from the bundle, adapted on the support set. */
export async function metaScorer(split: EvalSplit, algorithm: string, options: TrainOptions): Promise<Scorer> {
  const { data, result } = await trainOnSplit(split, { ...options, algorithm });
  try {
    return await engineScorer(await bundleOf(data, result), { name: algorithm, family: 'meta', adapt: true });
  } finally {
    disposeResult(result);
  }
}

/**
 * The non-meta model family: one global model trained with no inner loop on
 * all meta-train users' data (`pretrain`), then (a) used as is, (b) fine-tuned
 * on the support set with the same inner steps, at a rate chosen on
 * validation users, (c) a head trained from scratch per user on the global
 * model's item embeddings, rate also chosen on validation.
 */
export interface GlobalFamily {
  readonly global: Scorer;
  /** Fine-tuning scorers, one per candidate rate (the runner picks on validation). */
  readonly finetune: ReadonlyMap<number, Scorer>;
  readonly scratch: ReadonlyMap<number, Scorer>;
}

export async function globalFamily(split: EvalSplit, options: TrainOptions, rates: readonly number[]): Promise<GlobalFamily> {
  const { data, result } = await trainOnSplit(split, { ...options, algorithm: 'pretrain' });
  try {
    const global = await engineScorer(await bundleOf(data, result), { name: 'global', family: 'baseline', adapt: false });
    const finetune = new Map<number, Scorer>();
    const scratch = new Map<number, Scorer>();
    for (const lr of rates) {
      finetune.set(lr, await engineScorer(await bundleOf(data, result, { lr }), { name: 'finetune', family: 'baseline', adapt: true }));
      scratch.set(lr, await engineScorer(await bundleOf(data, result, { lr, freshHeadSeed: 1 }), { name: 'scratch', family: 'baseline', adapt: true }));
    }
    return { global, finetune, scratch };
  } finally {
    disposeResult(result);
  }
}
