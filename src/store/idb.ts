import { createConnection, withDb, type IdbStoreOptions } from './connection.js';
import { idbAdaptedStore } from './adapted.js';
import { idbEventStore } from './events.js';
import { retentionLimits, type Store } from './types.js';

export type { IdbStoreOptions } from './connection.js';

/**
 * Opens (creating or upgrading) the IndexedDB database `dbName` and returns a
 * Store on it. Rejects with a StorageError when IndexedDB is missing or the
 * database cannot be opened, so the caller can fall back to memory.
 *
 * @example
 * const store = await createIdbStore('attune', { retention: { maxEvents: 1000 } });
 * await store.events.add({ type: 'view', itemId: 'sku-1', timestamp: Date.now() });
 */
export async function createIdbStore(dbName: string, options: IdbStoreOptions = {}): Promise<Store> {
  const connection = createConnection(dbName, options);
  await connection.get();
  const events = idbEventStore(connection, retentionLimits(options.retention), options.onEvicted);
  const adapted = idbAdaptedStore(connection);
  return {
    kind: 'indexeddb',
    events,
    adapted,
    // Not deleteDatabase: that would reset the key generator, and ids must never be reused (other tabs spot new events by id).
    clear: () =>
      withDb(connection, 'deleting stored data', async (db) => {
        const tx = db.transaction(['events', 'adapted'], 'readwrite');
        await Promise.all([tx.objectStore('events').clear(), tx.objectStore('adapted').clear(), tx.done]);
      }),
    close: () => connection.close(),
  };
}
