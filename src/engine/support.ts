import { hashString } from '../core/random.js';
import type { StoredEvent } from '../events.js';
import type { Manifest } from '../bundle/format.js';
import { implicitWeight, toExamples, type Examples, type Interaction } from '../models/feedback.js';

/**
 * Turns the visitor's recent events into the inner loop's support set, with
 * the same `toExamples` the trainer used to build its support sets. Events on
 * items missing from this bundle's catalog (it may have changed) are skipped.
 * Implicit feedback without a single positive event gives an empty support set
 * (no adaptation).
 *
 * @param history catalog rows of everything the visitor ever interacted with:
 *   never sampled as negatives.
 */
export function buildSupport(events: readonly StoredEvent[], manifest: Manifest, rows: ReadonlyMap<string, number>, history: ReadonlySet<number>): Examples {
  const interactions: Interaction[] = [];
  for (const e of events) {
    const item = rows.get(e.itemId);
    if (item === undefined) continue;
    interactions.push(e.value === undefined ? { item, type: e.type, ts: e.timestamp } : { item, type: e.type, value: e.value, ts: e.timestamp });
  }
  const { model, inner } = manifest;
  // Implicit feedback with no positive event yet (only impressions): nothing says what the visitor likes, and
  // adapting on "shown, not clicked" alone would bury every item the page displayed. θ0 ranks until a first positive.
  if (model.feedback !== 'rating' && !interactions.some((e) => implicitWeight(e) > 0)) {
    return { items: new Int32Array(0), y: new Float32Array(0), w: new Float32Array(0) };
  }
  return toExamples(interactions, {
    feedback: model.feedback,
    catalogSize: manifest.catalog.ids.length,
    ratingMean: model.ratingMean,
    ratingStd: model.ratingStd,
    negativesPerPositive: inner.negativesPerPositive,
    exclude: history,
  });
}

/**
 * Identifies an adaptation's inputs: the support events (ids and contents)
 * and the size of the history that negatives are drawn around. Equal
 * fingerprints mean re-adapting would give the same params.
 */
export function supportFingerprint(events: readonly StoredEvent[], historySize: number): string {
  const text = events.map((e) => `${e.id}|${e.type}|${e.itemId}|${e.value ?? ''}|${e.timestamp}`).join('\n');
  return `${events.length}:${historySize}:${hashString(text).toString(36)}:${hashString(`${text.length}${text}`).toString(36)}`;
}
