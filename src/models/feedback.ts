import { createRng, hashString } from '../core/random.js';
import type { Feedback } from './recommender.js';

/** The interactions attune understands, weakest to strongest signal. */
export const EVENT_TYPES = ['impression', 'view', 'click', 'add_to_cart', 'purchase', 'rating'] as const;
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
  readonly item: number;
  readonly type: EventType;
  /** The rating, for `type: 'rating'`. */
  readonly value?: number;
  readonly ts: number;
}

/** Examples for the inner loop or a query set, as plain arrays (no tensors). */
export interface Examples {
  /** Catalog rows. */
  readonly items: Int32Array;
  /** Standardized rating, or 1/0 for implicit positives/negatives. */
  readonly y: Float32Array;
  readonly w: Float32Array;
}

export interface ExampleOptions {
  readonly feedback: Feedback;
  readonly catalogSize: number;
  readonly ratingMean: number;
  readonly ratingStd: number;
  /** Implicit only: catalog negatives sampled per positive item. */
  readonly negativesPerPositive: number;
  /** Implicit only: rows never to sample as negatives (e.g. the whole history). */
  readonly exclude?: ReadonlySet<number>;
  /** Extra seed for negative sampling; the events themselves seed it too. */
  readonly seed?: number;
}

/**
 * Turns interactions into training examples, the same way on the server and
 * in the browser. Ratings: the latest rating per item, standardized. Implicit:
 * one positive per item, weighted by its strongest event; items only shown
 * (impressions) are negatives; plus negatives sampled from the rest of the
 * catalog, seeded by the events so the result is reproducible.
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

function implicitExamples(interactions: readonly Interaction[], o: ExampleOptions): Examples {
  const strength = new Map<number, number>();
  for (const e of interactions) {
    const weight = e.type === 'rating' ? ((e.value ?? 0) >= 4 ? EVENT_WEIGHTS.purchase : 0) : EVENT_WEIGHTS[e.type];
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
