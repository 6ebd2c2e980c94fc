import type { NewEvent, StoredEvent } from '../events.js';
import { withDb, type AttuneDB, type Connection } from './connection.js';
import { applyRetention, deleteOldest, type Limits, type RetentionState } from './retention.js';
import type { EventStore } from './types.js';

/**
 * Stores one event in a transaction of its own that is committed as soon as
 * the write is queued, in the task that called track(). A click on a link
 * starts a navigation that closes the database: a transaction still waiting
 * for its next request then is aborted and the event lost (8 of 10 clicks in
 * Chromium), a committed one is kept (see test/browser/navigation.test.ts).
 * Retention trims afterwards, in a second transaction; if the page goes
 * first, the next write trims instead.
 */
async function addOnce(db: AttuneDB, event: NewEvent, limits: Limits, state: RetentionState): Promise<StoredEvent> {
  const storedAt = Date.now();
  const tx = db.transaction('events', 'readwrite');
  // The key generator assigns `id`; the record is stored without one.
  const added = tx.store.add({ ...event, storedAt } as StoredEvent);
  tx.commit();
  const [id] = await Promise.all([added, tx.done]);
  // The event is stored: a trim that fails must not fail track() (a retry would store it twice); the next write trims.
  await trim(db, limits, storedAt, state).catch(() => undefined);
  return { ...event, storedAt, id };
}

async function trim(db: AttuneDB, limits: Limits, now: number, state: RetentionState): Promise<void> {
  const tx = db.transaction('events', 'readwrite');
  await applyRetention(tx, limits, now, state);
  await tx.done;
}

/** Frees room after a QuotaExceededError: drops the oldest tenth of the events (at least one); returns how many went. */
async function evictOldest(db: AttuneDB): Promise<number> {
  const tx = db.transaction('events', 'readwrite');
  const deleted = await deleteOldest(tx.store, Math.max(1, Math.floor((await tx.store.count()) / 10)));
  await tx.done;
  return deleted;
}

const isQuotaError = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'QuotaExceededError';

/** The events object store: one transaction per call, each awaited until `tx.done`. */
export function idbEventStore(connection: Connection, limits: Limits, onEvicted?: (evicted: number) => void): EventStore {
  const run = <T>(what: string, body: (db: AttuneDB) => Promise<T>): Promise<T> => withDb(connection, what, body);
  const retention: RetentionState = { headroom: 0 };
  return {
    add: (event) =>
      run('storing an event', async (db) => {
        try {
          return await addOnce(db, event, limits, retention);
        } catch (error) {
          // Storage is full: make room by the retention policy's order (oldest first), then try once more.
          if (!isQuotaError(error)) throw error;
          const evicted = await evictOldest(db);
          const stored = await addOnce(db, event, limits, retention);
          onEvicted?.(evicted);
          return stored;
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
    delete: (id) =>
      run('deleting an event', async (db) => {
        const tx = db.transaction('events', 'readwrite');
        const found = (await tx.store.getKey(id)) !== undefined;
        if (found) await tx.store.delete(id);
        await tx.done;
        return found;
      }),
    clear: () => run('deleting events', (db) => db.clear('events')),
    close: () => connection.close(),
  };
}
