import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BackendChoice, ChoiceCache } from '../engine/auto.js';

/**
 * The `'auto'` backend choices, in their own small database next to the
 * visitor's (`<dbName>-backends`), so the event store's schema and version
 * stay untouched. A choice describes the device, not the visitor: `forget()`
 * leaves it. Every failure here is swallowed by the caller: it only costs a
 * new measurement.
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
