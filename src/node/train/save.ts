import type { Manifest } from '../../bundle/format.js';
import { writeBundle } from '../../bundle/write.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainResult } from './train-recommender.js';

/**
 * Writes the bundle of a training run: the dataset's catalog, the trained params, the held-out metrics (`extra` joins the training block).
 *
 * @example
 * const result = await trainRecommender(data);
 * const manifest = await writeTrainedBundle('demo/public/bundles/shop', data, result, { note: 'nightly' });
 */
export function writeTrainedBundle(dir: string, data: Dataset, result: TrainResult, extra: Readonly<Record<string, unknown>> = {}): Promise<Manifest> {
  const m = result.metrics;
  return writeBundle(dir, {
    config: result.config,
    params: result.params,
    ...(result.lrs ? { lrs: result.lrs } : {}),
    catalog: { ids: data.items.map((it) => it.id), features: data.items.map((it) => it.features), known: result.known },
    inner: result.inner,
    training: { ...result.training, ...extra },
    // Without held-out users (--holdout 0 / --eval-users 0) there is nothing to report but the count.
    metrics: m.users === 0 ? { heldOutUsers: 0 } : { heldOutUsers: m.users, ndcg10Init: m.ndcg10Init, ndcg10Adapted: m.ndcg10Adapted, queryLossInit: m.queryLossInit, queryLossAdapted: m.queryLossAdapted },
  });
}
