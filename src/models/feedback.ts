import { createRng, hashString } from '../core/random.js';
import type { Feedback } from './recommender.js';

/** The interactions attune understands, weakest to strongest signal. */
export const EVENT_TYPES = ['impression', 'view', 'click', 'add_to_cart', 'purchase', 'rating'] as const;
/** A kind of interaction (one of EVENT_TYPES). */
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * How much one implicit event says the visitor likes the item. An impression
 * alone is a weak negative (shown, not clicked).
 */
export const EVENT_WEIGHTS: Readonly<Record<Exclude<EventType, 'rating'>, number>> = {
  impression: 0,
  view: 1,
  click: 1.5,
  add_to_cart: 3,
  purchase: 4,
};

/** One interaction, with the item already resolved to its catalog row. */
export interface Interaction {
  /** The item's catalog row. */
  readonly item: number;
  /** What happened. */
  readonly type: EventType;
  /** The rating, for `type: 'rating'`. */
  readonly value?: number;
  /** When, in ms since the epoch (orders events and seeds negative sampling). */
  readonly ts: number;
}

/** Examples for the inner loop or a query set, as plain arrays (no tensors). */
export interface Examples {
  /** Catalog rows. */
  readonly items: Int32Array;
  /** Standardized rating, or 1/0 for implicit positives/negatives. */
  readonly y: Float32Array;
  /** Per-example weight (event strength for implicit positives). */
  readonly w: Float32Array;
}

/**
 * Options of `toExamples`: the bundle's feedback kind and rating standardization, and negative sampling.
 *
 * @example
 * toExamples(interactions, { feedback: 'implicit', catalogSize: 500, ratingMean: 0, ratingStd: 1, negativesPerPositive: 4 });
 */
export interface ExampleOptions {
  /**
   * Ratings or implicit events.
   *
   * @example
   * toExamples(interactions, { ...options, feedback: 'rating' });
   */
  readonly feedback: Feedback;
  /**
   * Items in the catalog (negatives are sampled from rows below it).
   *
   * @example
   * toExamples(interactions, { ...options, catalogSize: manifest.catalog.ids.length });
   */
  readonly catalogSize: number;
  /**
   * Ratings are standardized as (value − ratingMean) / ratingStd.
   *
   * @example
   * toExamples(ratings, { ...options, feedback: 'rating', ratingMean: 3.5, ratingStd: 1.1 });
   */
  readonly ratingMean: number;
  /**
   * See `ratingMean`.
   *
   * @example
   * toExamples(ratings, { ...options, feedback: 'rating', ratingMean: 3.5, ratingStd: 1.1 });
   */
  readonly ratingStd: number;
  /**
   * Implicit only: catalog negatives sampled per positive item.
   *
   * @example
   * toExamples(interactions, { ...options, negativesPerPositive: 8 });
   */
  readonly negativesPerPositive: number;
  /**
   * Implicit only: rows never to sample as negatives (e.g. the whole history).
   *
   * @example
   * toExamples(interactions, { ...options, exclude: new Set(history.map((i) => i.item)) });
   */
  readonly exclude?: ReadonlySet<number>;
  /**
   * Extra seed for negative sampling; the events themselves seed it too.
   *
   * @example
   * toExamples(interactions, { ...options, seed: 7 });
   */
  readonly seed?: number;
}

/**
 * Turns interactions into training examples, the same way on the server and
 * in the browser. Ratings: the latest rating per item, standardized. Implicit:
 * one positive per item, weighted by its strongest event; items only shown
 * (impressions) are negatives; plus negatives sampled from the rest of the
 * catalog, seeded by the events so the result is reproducible.
 *
 * @example
 * const examples = toExamples([{ item: 3, type: 'click', ts: Date.now() }], { feedback: 'implicit', catalogSize: 100, ratingMean: 0, ratingStd: 1, negativesPerPositive: 4 });
 * console.log(examples.items.length, examples.y); // 1 positive + 4 sampled negatives
 */
export function toExamples(interactions: readonly Interaction[], options: ExampleOptions): Examples {
  return options.feedback === 'rating' ? ratingExamples(interactions, options) : implicitExamples(interactions, options);
}

function ratingExamples(interactions: readonly Interaction[], o: ExampleOptions): Examples {
  const latest = new Map<number, Interaction>();
  for (const e of interactions) {
    if (e.type !== 'rating' || e.value === undefined) continue;
    const prev = latest.get(e.item);
    if (!prev || prev.ts <= e.ts) latest.set(e.item, e);
  }
  const rows = [...latest.values()];
  return {
    items: Int32Array.from(rows, (e) => e.item),
    y: Float32Array.from(rows, (e) => ((e.value as number) - o.ratingMean) / o.ratingStd),
    w: new Float32Array(rows.length).fill(1),
  };
}

/** An event's weight as implicit feedback: its type's weight, a rating ≥ 4 as a purchase; 0 (impressions, low ratings) is no evidence of liking. */
export function implicitWeight(e: Interaction): number {
  return e.type === 'rating' ? ((e.value ?? 0) >= 4 ? EVENT_WEIGHTS.purchase : 0) : EVENT_WEIGHTS[e.type];
}

function implicitExamples(interactions: readonly Interaction[], o: ExampleOptions): Examples {
  const strength = new Map<number, number>();
  for (const e of interactions) {
    const weight = implicitWeight(e);
    strength.set(e.item, Math.max(strength.get(e.item) ?? 0, weight));
  }
  const items: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  let positives = 0;
  for (const [item, weight] of strength) {
    items.push(item);
    y.push(weight > 0 ? 1 : 0);
    w.push(weight > 0 ? weight : 1);
    if (weight > 0) positives++;
  }
  const taken = new Set<number>([...strength.keys(), ...(o.exclude ?? [])]);
  const wanted = Math.min(positives * o.negativesPerPositive, o.catalogSize - taken.size);
  const seed = interactions.reduce((h, e) => Math.imul(h ^ e.item, 16777619) ^ hashString(e.type), o.seed ?? 17);
  const rng = createRng(seed >>> 0);
  for (let tries = 0, added = 0; added < wanted && tries < wanted * 20; tries++) {
    const item = rng.int(o.catalogSize);
    if (taken.has(item)) continue;
    taken.add(item);
    items.push(item);
    y.push(0);
    w.push(1);
    added++;
  }
  return { items: Int32Array.from(items), y: Float32Array.from(y), w: Float32Array.from(w) };
}
