import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { StorageError } from '../errors.js';
import type { StoredEvent } from '../events.js';
import type { AdaptedRecord, StoreOptions } from './types.js';

/** The database layout. Bump DB_VERSION (and extend `upgrade`) when it changes. */
export interface AttuneSchema extends DBSchema {
  events: { key: number; value: StoredEvent; indexes: { timestamp: number; storedAt: number } };
  adapted: { key: string; value: AdaptedRecord };
}

export const DB_VERSION = 1;
export type AttuneDB = IDBPDatabase<AttuneSchema>;

/** A lazily (re)opened, cached connection, idb-keyval style. */
export interface Connection {
  get(): Promise<AttuneDB>;
  close(): void;
}

/**
 * Options of `createIdbStore`.
 *
 * @example
 * const store = await createIdbStore('attune-shop', { openTimeoutMs: 5000, retention: { maxEvents: 2000 } });
 */
export interface IdbStoreOptions extends StoreOptions {
  /**
   * Give up opening after this long (an upgrade blocked by a tab that never closes would hang forever). Default 10 s.
   *
   * @example
   * await createIdbStore('attune', { openTimeoutMs: 3000 });
   */
  readonly openTimeoutMs?: number;
  /**
   * Called when our open waits on another tab holding an older version.
   *
   * @example
   * await createIdbStore('attune', { onBlocked: () => (notice.textContent = 'Close other tabs of this shop to finish the update') });
   */
  readonly onBlocked?: () => void;
}

/** Turns whatever IndexedDB threw into a StorageError that keeps the original as `cause`. */
export function storageError(what: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  const name = (cause as { name?: unknown } | null)?.name;
  return new StorageError(`${what} failed${typeof name === 'string' ? ` (${name})` : ''}: ${String((cause as Error)?.message ?? cause)}`, { cause });
}

function upgrade(db: IDBPDatabase<AttuneSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    const events = db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
    events.createIndex('timestamp', 'timestamp');
    events.createIndex('storedAt', 'storedAt');
    db.createObjectStore('adapted', { keyPath: 'bundleVersion' });
  }
}

/** Rejects after `ms`; a connection that still opens after that is closed so it blocks nobody. */
function withTimeout(opening: Promise<AttuneDB>, ms: number): Promise<AttuneDB> {
  return new Promise((resolve, reject) => {
    let gaveUp = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      reject(new StorageError(`IndexedDB did not open within ${ms} ms (blocked by another tab, or storage is unavailable)`));
    }, ms);
    opening.then(
      (db) => {
        clearTimeout(timer);
        if (gaveUp) db.close();
        else resolve(db);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const isVersionError = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'VersionError';

/**
 * A newer attune in another tab upgraded the database past DB_VERSION. This
 * (older) page opens it at its current version and keeps using it as long as
 * the stores it knows are still there: newer versions may add stores, never
 * change these two, so no event tracked in an old tab is lost.
 */
async function openNewer(name: string, handlers: Handlers): Promise<AttuneDB> {
  const db = await openDB<AttuneSchema>(name, undefined, handlers);
  if (db.objectStoreNames.contains('events') && db.objectStoreNames.contains('adapted')) return db;
  db.close();
  throw new StorageError(`database "${name}" has version ${db.version}, newer than this attune (${DB_VERSION}), without the stores it needs`);
}

type Handlers = { blocking: () => void; terminated: () => void };

export function createConnection(name: string, options: IdbStoreOptions = {}): Connection {
  let current: Promise<AttuneDB> | null = null;
  let closed = false;
  const open = (): Promise<AttuneDB> => {
    if (!globalThis.indexedDB) return Promise.reject(new StorageError('IndexedDB is not available in this context'));
    const ms = options.openTimeoutMs ?? 10_000;
    let opening: Promise<AttuneDB>;
    const handlers: Handlers = {
      // Another tab wants a newer version: step aside (or its open hangs), and reopen lazily on next use.
      blocking: () => {
        void opening.then((db) => db.close(), () => {});
        current = null;
      },
      // The browser closed the connection abnormally (e.g. the user cleared site data).
      terminated: () => {
        current = null;
      },
    };
    opening = openDB<AttuneSchema>(name, DB_VERSION, { upgrade, blocked: () => options.onBlocked?.(), ...handlers });
    return withTimeout(opening, ms).catch((error: unknown) => {
      if (!isVersionError(error)) throw error;
      opening = openNewer(name, handlers);
      return withTimeout(opening, ms);
    });
  };
  return {
    get: () => {
      if (closed) return Promise.reject(new StorageError('the store was closed'));
      // indexedDB.open can throw synchronously (SecurityError in some sandboxes): turn that into a rejection too.
      current ??= new Promise<AttuneDB>((resolve) => resolve(open())).catch((error: unknown) => {
        current = null;
        throw storageError('opening IndexedDB', error);
      });
      return current;
    },
    close: () => {
      closed = true;
      void current?.then((db) => db.close(), () => {});
      current = null;
    },
  };
}

/** Runs `body` on the open database; any failure comes out as a StorageError saying `what` failed. */
export async function withDb<T>(connection: Connection, what: string, body: (db: AttuneDB) => Promise<T>): Promise<T> {
  try {
    return await body(await connection.get());
  } catch (error) {
    throw storageError(what, error);
  }
}

/**
 * Deletes a database, waiting at most `waitMs` for other tabs to close their
 * connections (attune's close on `versionchange`; a tab that never does would
 * block the deletion forever). Resolves false when it gave up waiting.
 */
export async function deleteDatabase(name: string, waitMs = 2000): Promise<boolean> {
  if (!globalThis.indexedDB) return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
  try {
    return await Promise.race([deleteDB(name).then(() => true), waited]);
  } catch (error) {
    throw storageError(`deleting database "${name}"`, error);
  } finally {
    clearTimeout(timer);
  }
}
