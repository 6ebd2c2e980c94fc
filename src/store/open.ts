import { StorageError } from '../errors.js';
import { createIdbStore } from './idb.js';
import { createMemoryStore } from './memory.js';
import type { Retention, StorageKind, Store } from './types.js';

/**
 * Opens the store the host asked for. IndexedDB can be missing (old private
 * modes, sandboxed iframes) or refuse to open; attune then keeps events in
 * memory for this page and reports why through `onFallback`, instead of failing.
 */
export async function openStore(
  kind: StorageKind,
  dbName: string,
  retention: Retention,
  onFallback: (error: StorageError) => void,
): Promise<Store> {
  if (kind === 'memory') return createMemoryStore({ retention });
  try {
    return await createIdbStore(dbName, { retention });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    onFallback(new StorageError(`IndexedDB is unavailable, so events are kept in memory for this page only (${why})`, { cause: error }));
    return createMemoryStore({ retention });
  }
}
