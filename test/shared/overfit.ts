import { HELDOUT_EVERY } from '../../src/engine/held-out.js';

export interface PlannedEvent {
  readonly type: 'click' | 'impression';
  readonly itemId: string;
}

/**
 * Events crafted to overfit the inner loop under the held-out check: the
 * support set keeps items in first-seen order and every HELDOUT_EVERY-th one
 * is held out. The examples adapted on say "liked (clicks), not disliked
 * (impressions)"; the held-out slice says the opposite, so adapting on the
 * rest must rank the slice worse than θ0 does. Needs 11 items of `liked`
 * and 5 of `disliked` for the default 16 events.
 */
export function contradictingPlan(liked: readonly string[], disliked: readonly string[], events = 16): PlannedEvent[] {
  const [a, b] = [[...liked], [...disliked]];
  const take = (from: string[]): string => {
    const id = from.shift();
    if (id === undefined) throw new Error('contradictingPlan: not enough items');
    return id;
  };
  return Array.from({ length: events }, (_, i): PlannedEvent => {
    if (i % HELDOUT_EVERY === HELDOUT_EVERY - 1) return i % (2 * HELDOUT_EVERY) === HELDOUT_EVERY - 1 ? { type: 'click', itemId: take(b) } : { type: 'impression', itemId: take(a) };
    return i % 3 === 2 ? { type: 'impression', itemId: take(b) } : { type: 'click', itemId: take(a) };
  });
}
