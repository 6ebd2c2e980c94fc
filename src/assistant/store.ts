import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { StorageError } from '../errors.js';
import { storageError } from '../store/connection.js';

/** One example question the assistant learned: from `addIntent` or from `teach`. */
export interface IntentExample {
  /** The intent the question belongs to. */
  readonly intent: string;
  /** The question as given. */
  readonly text: string;
  /** `'added'` by `addIntent`, `'taught'` by `teach`. */
  readonly source: 'added' | 'taught';
  /** ms since epoch, when it was stored. */
  readonly storedAt: number;
}

/** Where the assistant keeps the shop's intents and taught phrasings: IndexedDB or memory, one contract. */
export interface ExampleStore {
  readonly kind: 'indexeddb' | 'memory';
  add(examples: readonly IntentExample[]): Promise<void>;
  all(): Promise<IntentExample[]>;
  clear(): Promise<void>;
  close(): void;
}

interface AssistantSchema extends DBSchema {
  examples: { key: number; value: IntentExample };
}

const DB_VERSION = 1;

/** Examples in memory (tests, Node, private modes without IndexedDB); gone on reload. */
export function createMemoryExampleStore(): ExampleStore {
  let rows: IntentExample[] = [];
  return {
    kind: 'memory',
    add: async (examples) => void rows.push(...examples),
    all: async () => [...rows],
    clear: async () => void (rows = []),
    close: () => undefined,
  };
}

/**
 * Examples in IndexedDB (database `name`, its own database so the
 * recommender's schema never has to know about it). One transaction per
 * write, awaited to `tx.done`, so a reload right after `teach()` keeps it.
 */
export function createIdbExampleStore(name: string, openTimeoutMs = 10_000): ExampleStore {
  let current: Promise<IDBPDatabase<AssistantSchema>> | null = null;
  let closed = false;
  const open = (): Promise<IDBPDatabase<AssistantSchema>> => {
    if (!globalThis.indexedDB) return Promise.reject(new StorageError('IndexedDB is not available in this context'));
    const opening = openDB<AssistantSchema>(name, DB_VERSION, {
      upgrade: (db) => void db.createObjectStore('examples', { autoIncrement: true }),
      // Another tab wants a newer version: step aside and reopen lazily next time.
      blocking: () => {
        void opening.then((db) => db.close());
        current = null;
      },
      terminated: () => {
        current = null;
      },
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new StorageError(`IndexedDB did not open within ${openTimeoutMs} ms (blocked by another tab?)`)), openTimeoutMs);
      opening.then((db) => (clearTimeout(timer), resolve(db)), (e: unknown) => (clearTimeout(timer), reject(e)));
    });
  };
  const db = (): Promise<IDBPDatabase<AssistantSchema>> => {
    if (closed) return Promise.reject(new StorageError('the assistant store was closed'));
    current ??= open().catch((error: unknown) => {
      current = null;
      throw error;
    });
    return current;
  };
  const run = async <T>(what: string, body: (d: IDBPDatabase<AssistantSchema>) => Promise<T>): Promise<T> => {
    try {
      return await body(await db());
    } catch (error) {
      throw storageError(what, error);
    }
  };
  return {
    kind: 'indexeddb',
    add: (examples) =>
      run('storing examples', async (d) => {
        const tx = d.transaction('examples', 'readwrite');
        for (const e of examples) void tx.store.add(e);
        await tx.done;
      }),
    all: () => run('reading examples', (d) => d.getAll('examples')),
    clear: () =>
      run('forgetting examples', async (d) => {
        const tx = d.transaction('examples', 'readwrite');
        void tx.store.clear();
        await tx.done;
      }),
    close: () => {
      closed = true;
      void current?.then((d) => d.close(), () => undefined);
      current = null;
    },
  };
}
