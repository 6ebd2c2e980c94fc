import { InvalidInputError } from './errors.js';
import { checkKeys, isPlainObject, ownField, type StoredEvent } from './events.js';
import { EVENT_WEIGHTS } from './models/feedback.js';

/**
 * "Why am I seeing this?": which of the visitor's own stored events support a
 * recommended item. The head is adapted on the visitor's events through the
 * item embeddings, so an event on an item whose embedding points the same way
 * as the recommended item's is what pulled that item up. Each event scores
 * cosine(item, event's item) × event-type weight × recency; the best few,
 * one per item, become the evidence and the sentence.
 */

/** One stored event and how much it supports the explained item. */
export interface Evidence {
  /** The visitor's stored event that counts as evidence. */
  readonly event: StoredEvent;
  /** `similarity × weight × recency`; only events with a positive score are evidence. */
  readonly score: number;
  /** Cosine similarity of the two items' embeddings, in [-1, 1]. */
  readonly similarity: number;
  /** How strong a signal the event is (`EVENT_WEIGHTS`; ratings above the middle of the scale count up to a purchase). */
  readonly weight: number;
  /** 1 for the visitor's newest event, halving every `RECENCY_HALF_LIFE_DAYS` before it. */
  readonly recency: number;
}

/**
 * What `explain()` returns: the supporting events and a sentence for the visitor.
 *
 * @example
 * const { reason, evidence } = await p.explain('sku-123');
 * console.log(reason, evidence.map((e) => e.event.itemId));
 */
export interface Explanation {
  /** The explained item. */
  readonly itemId: string;
  /** The events that most support `itemId`, strongest first, at most one per item. */
  readonly evidence: readonly Evidence[];
  /** A short sentence for the visitor, e.g. "Because you viewed Red Scarf and added Wool Hat to your cart." */
  readonly reason: string;
}

/**
 * Options of `explain()`.
 *
 * @example
 * await p.explain('sku-123', { k: 2, label: (id) => titles[id] ?? id });
 */
export interface ExplainOptions {
  /**
   * How many events to return, default 3 (at most 20).
   *
   * @example
   * await p.explain('sku-123', { k: 5 });
   */
  readonly k?: number;
  /**
   * Display name of an item for `reason` (e.g. the product title); default: the item id.
   *
   * @example
   * await p.explain('sku-123', { label: (id) => catalog.get(id)?.title ?? id });
   */
  readonly label?: (itemId: string) => string;
}

/** Older events fade: an event this many days older than the visitor's newest counts half. */
export const RECENCY_HALF_LIFE_DAYS = 14;
const MAX_K = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The rating scale's centre and top, to turn a rating into a like strength. */
export interface RatingLike {
  readonly mean: number;
  /** The best rating (the scale's maximum, else mean + 2 std). */
  readonly top: number;
}

/** Validated `explain()` options. */
export function validateExplainOptions(input: unknown): { k: number; label: (itemId: string) => string } {
  if (input === undefined) return { k: 3, label: (id) => id };
  if (!isPlainObject(input)) throw new InvalidInputError('options', 'must be an object');
  checkKeys(input, ['k', 'label']);
  const k = ownField(input, 'k') ?? 3;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K) throw new InvalidInputError('k', `must be an integer from 1 to ${MAX_K}, got ${String(k)}`);
  const label = ownField(input, 'label');
  if (label !== undefined && typeof label !== 'function') throw new InvalidInputError('label', 'must be a function (itemId) => string');
  return { k, label: (label as ((itemId: string) => string) | undefined) ?? ((id) => id) };
}

function eventWeight(event: StoredEvent, rating: RatingLike): number {
  if (event.type !== 'rating') return EVENT_WEIGHTS[event.type];
  const like = ((event.value ?? rating.mean) - rating.mean) / Math.max(rating.top - rating.mean, 1e-6);
  return EVENT_WEIGHTS.purchase * Math.min(1, Math.max(0, like));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Scores `events` as support for `itemId`.
 *
 * @param vectorOf the item's embedding (every event's item and `itemId` must have one)
 */
export function explainItem(
  itemId: string,
  events: readonly StoredEvent[],
  vectorOf: (itemId: string) => Float32Array,
  rating: RatingLike,
  options: { k: number; label: (itemId: string) => string },
): Explanation {
  const target = vectorOf(itemId);
  const newest = events.reduce((t, e) => Math.max(t, e.timestamp), -Infinity);
  const best = new Map<string, Evidence>();
  for (const event of events) {
    const similarity = cosine(target, vectorOf(event.itemId));
    const weight = eventWeight(event, rating);
    const recency = 0.5 ** ((newest - event.timestamp) / (RECENCY_HALF_LIFE_DAYS * DAY_MS));
    const score = similarity * weight * recency;
    if (!(score > 0)) continue;
    const prev = best.get(event.itemId);
    if (!prev || score > prev.score) best.set(event.itemId, { event, score, similarity, weight, recency });
  }
  const evidence = [...best.values()].sort((a, b) => b.score - a.score).slice(0, options.k);
  // The sentence names only events that carry real weight next to the strongest (a scarf clicked beside a
  // webcam should not "explain" a charger); `evidence` still lists them all, with scores.
  const strong = evidence.filter((e) => e.score >= REASON_SHARE * (evidence[0]?.score ?? 0));
  return { itemId, evidence, reason: reasonText(strong, events.length, options.label) };
}

/** An event is named in the reason when its score is at least this share of the top event's. */
const REASON_SHARE = 0.5;

/** What the visitor did, as a verb and what follows the item names ("added … to your cart"). */
const PHRASE: Record<StoredEvent['type'], readonly [verb: string, after: string]> = {
  impression: ['saw', ''],
  view: ['viewed', ''],
  click: ['clicked', ''],
  add_to_cart: ['added', ' to your cart'],
  purchase: ['bought', ''],
  rating: ['rated', ''],
};

/** "a", "a and b", "a, b and c". */
const listText = (parts: readonly string[]): string => (parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`);

function safeLabel(label: (itemId: string) => string, itemId: string): string {
  try {
    const name = label(itemId);
    return typeof name === 'string' && name.length > 0 ? name : itemId;
  } catch {
    return itemId; // the host's label function failed: the id still names the item
  }
}

function reasonText(evidence: readonly Evidence[], eventCount: number, label: (itemId: string) => string): string {
  if (evidence.length === 0) {
    return eventCount === 0
      ? 'Popular with shoppers in general: nothing about you is stored on this device yet.'
      : 'Popular with shoppers in general: none of your stored events relates to it.';
  }
  // One phrase per kind of event (and rating value), strongest first: "clicked A and B and added C to your cart".
  const groups = new Map<string, { type: StoredEvent['type']; after: string; names: string[] }>();
  for (const { event } of evidence) {
    const after = event.type === 'rating' ? ` ${event.value ?? ''}`.trimEnd() : PHRASE[event.type][1];
    const key = `${event.type}${after}`;
    const group = groups.get(key) ?? { type: event.type, after, names: [] };
    group.names.push(safeLabel(label, event.itemId));
    groups.set(key, group);
  }
  const phrases = [...groups.values()].map((g) => `${PHRASE[g.type][0]} ${listText(g.names)}${g.after}`);
  return `Because you ${listText(phrases)}.`;
}
