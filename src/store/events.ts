import type { IDBPTransaction } from 'idb';
import type { NewEvent, StoredEvent } from '../events.js';
import { withDb, type AttuneDB, type AttuneSchema, type Connection } from './connection.js';
import type { EventStore } from './types.js';

type Limits = { readonly maxEvents: number; readonly maxAgeMs: number };

/**
 * Deletes events past the retention limits inside the caller's transaction.
 * Only IndexedDB requests are awaited here: awaiting anything else would let
 * the transaction auto-commit under us.
 */
async function applyRetention(tx: IDBPTransaction<AttuneSchema, ['events'], 'readwrite'>, limits: Limits, now: number): Promise<void> {
  const store = tx.objectStore('events');
  const byTime = store.index('timestamp');
  const cutoff = now - limits.maxAgeMs;
  if (Number.isFinite(cutoff)) {
    const expired = IDBKeyRange.upperBound(cutoff, true);
    for (let c = await store.index('storedAt').openCursor(expired); c; c = await c.continue()) await c.delete();
  }
  let excess = (await store.count()) - limits.maxEvents;
  for (let c = excess > 0 ? await byTime.openCursor() : null; c && excess > 0; excess--) {
    await c.delete();
    c = excess > 1 ? await c.continue() : null;
  }
}

async function addOnce(db: AttuneDB, event: NewEvent, limits: Limits): Promise<StoredEvent> {
  const storedAt = Date.now();
  const tx = db.transaction('events', 'readwrite');
  // The key generator assigns `id`; the record is stored without one.
  const id = await tx.store.add({ ...event, storedAt } as StoredEvent);
  await applyRetention(tx, limits, storedAt);
  await tx.done;
  return { ...event, storedAt, id };
}

/** Frees room after a QuotaExceededError: drops the oldest tenth of the events (at least one). */
async function evictOldest(db: AttuneDB): Promise<void> {
  const tx = db.transaction('events', 'readwrite');
  let n = Math.max(1, Math.floor((await tx.store.count()) / 10));
  for (let c = await tx.store.index('timestamp').openCursor(); c && n > 0; n--) {
    await c.delete();
    c = n > 1 ? await c.continue() : null;
  }
  await tx.done;
}

const isQuotaError = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'QuotaExceededError';

/** The events object store: one transaction per call, each awaited until `tx.done`. */
export function idbEventStore(connection: Connection, limits: Limits): EventStore {
  const run = <T>(what: string, body: (db: AttuneDB) => Promise<T>): Promise<T> => withDb(connection, what, body);
  return {
    add: (event) =>
      run('storing an event', async (db) => {
        try {
          return await addOnce(db, event, limits);
        } catch (error) {
          // Storage is full: make room by the retention policy's order (oldest first), then try once more.
          if (!isQuotaError(error)) throw error;
          await evictOldest(db);
          return addOnce(db, event, limits);
        }
      }),
    all: () => run('reading events', (db) => db.getAllFromIndex('events', 'timestamp')),
    recent: (n) =>
      run('reading recent events', async (db) => {
        const tx = db.transaction('events', 'readonly');
        const out: StoredEvent[] = [];
        for (let c = n > 0 ? await tx.store.index('timestamp').openCursor(null, 'prev') : null; c; ) {
          out.push(c.value);
          c = out.length < n ? await c.continue() : null;
        }
        await tx.done;
        return out.reverse();
      }),
    count: () => run('counting events', (db) => db.count('events')),
    clear: () => run('deleting events', (db) => db.clear('events')),
    close: () => connection.close(),
  };
}
