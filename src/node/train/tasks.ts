import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../core/model.js';
import { hashString } from '../../core/random.js';
import { toExamples, type Examples, type Interaction } from '../../models/feedback.js';
import { encodeItemFeatures, featureWidth, type Feedback, type ItemInput } from '../../models/recommender.js';
import type { Task } from '../../meta/types.js';
import type { Dataset } from '../data/dataset.js';

/**
 * How a user's history becomes a support and a query set.
 *
 * @example
 * const split = splitUser(events, { feedback: 'implicit', catalogSize: 500, ratingMean: 0, ratingStd: 1, negativesPerPositive: 4, supportItems: 5, maxSupport: 100, maxQuery: 32, queryNegatives: 20, seed: 1 });
 */
export interface SplitOptions {
  /**
   * Ratings or implicit events.
   *
   * @example
   * splitUser(events, { ...options, feedback: 'implicit' });
   */
  readonly feedback: Feedback;
  /**
   * Items in the catalog (negatives are sampled below it).
   *
   * @example
   * splitUser(events, { ...options, catalogSize: data.items.length });
   */
  readonly catalogSize: number;
  /**
   * Ratings are standardized as (value − ratingMean) / ratingStd.
   *
   * @example
   * splitUser(events, { ...options, ratingMean: 3.5 });
   */
  readonly ratingMean: number;
  /**
   * See `ratingMean`.
   *
   * @example
   * splitUser(events, { ...options, ratingStd: 1.1 });
   */
  readonly ratingStd: number;
  /**
   * Implicit: sampled negatives per support positive.
   *
   * @example
   * splitUser(events, { ...options, negativesPerPositive: 4 });
   */
  readonly negativesPerPositive: number;
  /**
   * Support holds the events up to the K-th distinct liked/rated item.
   *
   * @example
   * splitUser(events, { ...options, supportItems: 5 });
   */
  readonly supportItems: number;
  /**
   * Only the most recent events of the support part (the browser's `inner.maxSupport`).
   *
   * @example
   * splitUser(events, { ...options, maxSupport: 100 });
   */
  readonly maxSupport: number;
  /**
   * At most this many query positives (rated items), the earliest first.
   *
   * @example
   * splitUser(events, { ...options, maxQuery: 32 });
   */
  readonly maxQuery: number;
  /**
   * Negatives per query positive (implicit).
   *
   * @example
   * splitUser(events, { ...options, queryNegatives: 20 });
   */
  readonly queryNegatives: number;
  /**
   * Seeds negative sampling (mixed with the user's own seed).
   *
   * @example
   * splitUser(events, { ...options, seed: 1 });
   */
  readonly seed: number;
}

/**
 * One user's task: support and query examples, and the query's graded relevance.
 *
 * @example
 * const split = splitUser(events, options);
 * if (split) console.log(split.support.items.length, split.query.items.length);
 */
export interface UserSplit {
  /** What the head adapts on (the earlier events). */
  readonly support: Examples;
  /** What the adapted head is judged on (the later events). */
  readonly query: Examples;
  /** Raw query ratings or 1/0 relevance, aligned with `query.items`, for nDCG. */
  readonly relevance: Float32Array;
}

const counts = (e: Interaction, feedback: Feedback): boolean => (feedback === 'rating' ? e.type === 'rating' : e.type !== 'impression');

/**
 * Splits one user's time-ordered events: support = everything up to the
 * `supportItems`-th distinct counted item (ratings, or non-impression events),
 * query = later events on other items. Both sets go through `toExamples`, the
 * code the browser runs. Returns null when the query would hold no positive.
 *
 * @example
 * const events = [{ item: 1, type: 'click', ts: 1 }, { item: 2, type: 'click', ts: 2 }, { item: 7, type: 'purchase', ts: 3 }] as const;
 * const split = splitUser(events, { ...options, supportItems: 2 }); // support: items 1, 2; query: item 7
 */
export function splitUser(events: readonly Interaction[], o: SplitOptions): UserSplit | null {
  const seen = new Set<number>();
  let cut = events.length;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Interaction;
    if (!counts(e, o.feedback)) continue;
    seen.add(e.item);
    if (seen.size === o.supportItems) (cut = i + 1), (i = events.length);
  }
  const supportEvents = events.slice(Math.max(0, cut - o.maxSupport), cut);
  const supportItems = new Set(events.slice(0, cut).map((e) => e.item));
  let later = events.slice(cut).filter((e) => !supportItems.has(e.item));
  const positives = [...new Set(later.filter((e) => counts(e, o.feedback)).map((e) => e.item))].slice(0, o.maxQuery);
  if (positives.length === 0) return null;
  const keep = new Set(positives);
  later = later.filter((e) => keep.has(e.item) && counts(e, o.feedback));
  const base = { feedback: o.feedback, catalogSize: o.catalogSize, ratingMean: o.ratingMean, ratingStd: o.ratingStd };
  const support = toExamples(supportEvents, { ...base, negativesPerPositive: o.negativesPerPositive, seed: o.seed });
  const query = toExamples(later, { ...base, negativesPerPositive: o.queryNegatives, exclude: supportItems, seed: o.seed + 1 });
  if (support.items.length === 0 || !query.y.some((v) => v > 0 || o.feedback === 'rating')) return null;
  const relevance = o.feedback === 'rating' ? query.y.map((v) => v * o.ratingStd + o.ratingMean) : implicitRelevance(query, later);
  return { support, query, relevance };
}

/**
 * Implicit relevance for nDCG: an item's rating when the user rated it (so
 * rating data trained as implicit is still judged by gain 2^rating − 1), else
 * 1 for a positive and 0 for a negative.
 */
function implicitRelevance(query: Examples, events: readonly Interaction[]): Float32Array {
  const rated = new Map<number, number>();
  for (const e of events) if (e.type === 'rating' && e.value !== undefined) rated.set(e.item, e.value);
  return Float32Array.from(query.items, (item, i) => rated.get(item) ?? (query.y[i] as number));
}

/** The catalog as tower input, built once: encoded features plus which rows have a trained id. */
export interface CatalogInput {
  readonly feats: tf.Tensor2D;
  readonly known: Float32Array;
  dispose(): void;
}

/** Encodes the whole catalog once (the caller disposes the result). */
export function catalogInput(data: Dataset, known: Float32Array): CatalogInput {
  const width = Math.max(1, featureWidth(data.features));
  const feats = tf.tensor2d(encodeItemFeatures(data.features, data.items.map((it) => it.features)), [data.items.length, width]);
  return { feats, known, dispose: () => feats.dispose() };
}

/** Rows of the catalog as one ItemInput (new tensors, owned by the caller). */
export function gatherItems(catalog: CatalogInput, items: Int32Array): ItemInput {
  return tf.tidy(() => {
    // Rows without a trained id (including rows past `numIds`) point at id row 0, masked out by `known`.
    const ids = tf.tensor1d(Int32Array.from(items, (i) => (catalog.known[i] ? i : 0)), 'int32');
    return { feats: tf.gather(catalog.feats, tf.tensor1d(items, 'int32')) as tf.Tensor2D, ids, known: tf.tensor1d(Float32Array.from(items, (i) => catalog.known[i] as number)) };
  });
}

function toBatch<X>(x: X, ex: Examples): Batch<X> {
  return { x, y: tf.tensor1d(ex.y), w: tf.tensor1d(ex.w) };
}

/** A meta-training task over the full model (tower + head). */
export function itemTask(catalog: CatalogInput, split: UserSplit): Task<ItemInput> {
  return { support: toBatch(gatherItems(catalog, split.support.items), split.support), query: toBatch(gatherItems(catalog, split.query.items), split.query) };
}

/** Disposes every tensor of a task whose input is an ItemInput or a plain tensor. */
export function disposeTask(task: Task<ItemInput> | Task<tf.Tensor>): void {
  for (const b of [task.support, task.query]) {
    const x = b.x as ItemInput | tf.Tensor;
    if (x instanceof tf.Tensor) x.dispose();
    else tf.dispose([x.feats, x.ids, x.known]);
    tf.dispose([b.y, ...(b.w ? [b.w] : [])]);
  }
}

/** A per-user seed so each user's negatives differ but reproduce. */
export const userSeed = (user: string, salt: number): number => (hashString(user) ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
