import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BackendChoice, ChoiceCache } from '../engine/auto.js';
import { deleteDatabase } from './connection.js';

/**
 * The `'auto'` backend choices, in their own small database next to the
 * visitor's (`<dbName>-backends`), so the event store's schema and version
 * stay untouched. A choice describes the device (timings, the GPU adapter's
 * description), not the visitor's behaviour; still, `forget()` deletes it and
 * `exportData()` lists it, since it is something attune wrote on the device.
 * Every failure here is swallowed by the caller: it only costs a new measurement.
 */
interface ChoiceSchema extends DBSchema {
  choices: { key: string; value: BackendChoice };
}

const keyOf = (bundleVersion: string, device: string): string => `${bundleVersion}\n${device}`;

/** Opens, runs one request, closes: two requests per session do not justify a long-lived connection that could block upgrades. */
async function withChoices<T>(dbName: string, body: (db: IDBPDatabase<ChoiceSchema>) => Promise<T>): Promise<T> {
  const db = await openDB<ChoiceSchema>(`${dbName}-backends`, 1, {
    upgrade: (d) => void d.createObjectStore('choices'),
    blocking: () => db.close(),
  });
  try {
    return await body(db);
  } finally {
    db.close();
  }
}

/** A ChoiceCache in IndexedDB (works in a dedicated worker too); undefined when IndexedDB is missing. */
export function createChoiceCache(dbName: string): ChoiceCache | undefined {
  if (!globalThis.indexedDB) return undefined;
  return {
    get: (bundleVersion, device) => withChoices(dbName, (db) => db.get('choices', keyOf(bundleVersion, device))),
    put: (choice) =>
      withChoices(dbName, async (db) => {
        await db.put('choices', choice, keyOf(choice.bundleVersion, choice.device));
      }),
  };
}

/**
 * Every stored choice, without creating the database when it does not exist:
 * an upgrade from version 0 means it did not, and aborting it leaves nothing behind.
 */
export async function readChoices(dbName: string): Promise<BackendChoice[]> {
  if (!globalThis.indexedDB) return [];
  let db: IDBPDatabase<ChoiceSchema>;
  try {
    db = await openDB<ChoiceSchema>(`${dbName}-backends`, undefined, {
      upgrade: (_d, oldVersion, _v, tx) => {
        if (oldVersion !== 0) return;
        tx.done.catch(() => {}); // rejects with the abort we cause; the open's rejection is handled below
        tx.abort();
      },
      blocking: () => db.close(),
    });
  } catch {
    return [];
  }
  try {
    return db.objectStoreNames.contains('choices') ? await db.getAll('choices') : [];
  } finally {
    db.close();
  }
}

/** Deletes the choices database (the worker's connections are short-lived and close on `versionchange`). */
export async function deleteChoices(dbName: string): Promise<void> {
  await deleteDatabase(`${dbName}-backends`);
}
