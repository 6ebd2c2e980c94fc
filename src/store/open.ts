import { StorageError } from '../errors.js';
import { deleteChoices } from './backend-choice.js';
import { deleteDatabase } from './connection.js';
import { createIdbStore } from './idb.js';
import { createMemoryStore } from './memory.js';
import type { Retention, StorageKind, Store } from './types.js';

/**
 * How long `createPersonalizer` waits for IndexedDB before it falls back to
 * memory. An open can hang for good (an upgrade blocked by a tab running old
 * code that never closes, a broken profile); a page must not wait on it.
 */
export const STORAGE_OPEN_TIMEOUT_MS = 5000;

/**
 * Opens the store the host asked for. IndexedDB can be missing (old private
 * modes, sandboxed iframes), refuse to open or never answer; attune then keeps
 * events in memory for this page and reports why through `report`, instead of
 * failing. `report` also hears about events deleted to make room when the
 * device's storage is full.
 */
export async function openStore(kind: StorageKind, dbName: string, retention: Retention, report: (error: StorageError) => void): Promise<Store> {
  if (kind === 'memory') return createMemoryStore({ retention });
  const onEvicted = (evicted: number): void =>
    report(new StorageError(`the device's storage is full (QuotaExceededError): deleted the ${evicted} oldest events to store the new one`));
  try {
    return await createIdbStore(dbName, { retention, onEvicted, openTimeoutMs: STORAGE_OPEN_TIMEOUT_MS });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    report(new StorageError(`IndexedDB is unavailable, so events are kept in memory for this page only (${why})`, { cause: error }));
    return createMemoryStore({ retention });
  }
}

/**
 * What `forget()` removes beyond the open store's contents: the backend
 * choices and, without consent (this session wrote nothing), the database an
 * earlier visit with consent may have left. With consent the visitor's
 * database stays, emptied, so ids are never reused.
 */
export async function forgetOnDevice(dbName: string, consent: boolean): Promise<void> {
  if (!consent) await deleteDatabase(dbName);
  await deleteChoices(dbName);
}
