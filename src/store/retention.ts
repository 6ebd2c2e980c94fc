import type { IDBPTransaction } from 'idb';
import type { AttuneSchema } from './connection.js';

type EventsTx = IDBPTransaction<AttuneSchema, ['events'], 'readwrite'>;
type EventsStore = EventsTx['store'];

export type Limits = { readonly maxEvents: number; readonly maxAgeMs: number };

/**
 * Writes a store may make between two counts. Chromium's `count()` walks
 * the whole store (8 ms at 100,000 events against 1 ms empty), so a tab counts
 * only when its own writes could have reached `maxEvents`, and at least every
 * this many writes, which bounds what other tabs' writes can add meanwhile.
 */
export const RECOUNT_EVERY = 50;

/** Per store instance: how many more writes may skip the count. */
export interface RetentionState {
  headroom: number;
}

/** Below this many deletions one request per key is cheapest; above, contiguous key ranges. */
const RANGE_DELETE_MIN = 256;

/**
 * Deletes records by primary key. Requests go out back to back and are
 * awaited together; many keys are grouped into runs of consecutive keys and
 * deleted as ranges. Awaiting one cursor step per record made trimming
 * 95,000 events take 20 s in Chromium.
 */
async function deleteKeys(store: EventsStore, keys: readonly number[]): Promise<void> {
  if (keys.length < RANGE_DELETE_MIN) {
    await Promise.all(keys.map((key) => store.delete(key)));
    return;
  }
  const doomed = new Set(keys);
  const all = await store.getAllKeys();
  const ranges: IDBKeyRange[] = [];
  for (let i = 0; i < all.length; i++) {
    if (!doomed.has(all[i]!)) continue;
    const from = all[i]!;
    while (i + 1 < all.length && doomed.has(all[i + 1]!)) i++;
    ranges.push(IDBKeyRange.bound(from, all[i]!));
  }
  await Promise.all(ranges.map((range) => store.delete(range)));
}

/** Deletes the `n` oldest events by timestamp (the retention order). */
export async function deleteOldest(store: EventsStore, n: number): Promise<number> {
  const keys = await store.index('timestamp').getAllKeys(null, n);
  await deleteKeys(store, keys);
  return keys.length;
}

/**
 * Deletes events past the retention limits inside the caller's transaction.
 * Only IndexedDB requests are awaited here: awaiting anything else would let
 * the transaction auto-commit under us.
 */
export async function applyRetention(tx: EventsTx, limits: Limits, now: number, state: RetentionState): Promise<void> {
  const store = tx.objectStore('events');
  const cutoff = now - limits.maxAgeMs;
  if (Number.isFinite(cutoff)) await deleteKeys(store, await store.index('storedAt').getAllKeys(IDBKeyRange.upperBound(cutoff, true)));
  if (!Number.isFinite(limits.maxEvents)) return;
  if (state.headroom > 0) {
    state.headroom--;
    return;
  }
  const count = await store.count();
  if (count > limits.maxEvents) await deleteOldest(store, count - limits.maxEvents);
  state.headroom = Math.min(RECOUNT_EVERY, limits.maxEvents - Math.min(count, limits.maxEvents));
}
