import type { FeatureSpec } from '../../models/recommender.js';
import type { Dataset, DatasetInteraction } from './dataset.js';

/**
 * Options of `compactDataset`.
 *
 * @example
 * const compact = compactDataset(loadTaobao(), { maxVocab: 500 });
 */
export interface CompactOptions {
  /**
   * Keep at most this many values per categorical/multi feature (the most frequent; the rest encode as zeros).
   *
   * @example
   * compactDataset(data, { maxVocab: 200 });
   */
  readonly maxVocab?: number;
}

/**
 * Reorders a dataset's items by interaction count, most interacted first
 * (ties: original order), and trims large feature vocabularies. A shop log
 * such as Taobao's has tens of thousands of items, most seen once or twice:
 * with the most interacted items in the first rows, training with
 * `maxIds: N` gives id embeddings to the N items with evidence while the
 * long tail is embedded from features, and the dense feature encoding stays
 * small. Interactions are remapped; nothing is dropped.
 *
 * @example
 * const data = compactDataset(loadTaobao(), { maxVocab: 500 });
 * const result = await trainRecommender(data, { maxIds: 5000 }); // ids for the 5000 most interacted items
 */
export function compactDataset(data: Dataset, o: CompactOptions = {}): Dataset {
  const counts = new Float64Array(data.items.length);
  for (const e of data.interactions) counts[e.itemIndex] = (counts[e.itemIndex] as number) + 1;
  const order = Array.from(data.items, (_, i) => i).sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
  const newRow = new Int32Array(data.items.length);
  order.forEach((old, row) => (newRow[old] = row));
  const interactions: DatasetInteraction[] = data.interactions.map((e) => ({ ...e, itemIndex: newRow[e.itemIndex] as number }));
  const features = o.maxVocab === undefined ? data.features : data.features.map((f) => trimVocab(f, o.maxVocab as number));
  return { ...data, items: order.map((old) => data.items[old]!), features, interactions };
}

/** Vocabularies come sorted by frequency (src/node/data/features.ts), so the head of the list is the most frequent values. */
function trimVocab(f: FeatureSpec, max: number): FeatureSpec {
  return f.kind === 'numeric' || f.vocab.length <= max ? f : { ...f, vocab: f.vocab.slice(0, max) };
}
