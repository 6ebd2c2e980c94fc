import { withDb, type AttuneDB, type Connection } from './connection.js';
import type { AdaptedStore } from './types.js';

/** Cached adapted head params, one record per bundle version. */
export function idbAdaptedStore(connection: Connection): AdaptedStore {
  const run = <T>(what: string, body: (db: AttuneDB) => Promise<T>): Promise<T> => withDb(connection, what, body);
  return {
    get: (version) => run('reading adapted params', (db) => db.get('adapted', version)),
    all: () => run('reading adapted params', (db) => db.getAll('adapted')),
    put: (record) =>
      run('storing adapted params', async (db) => {
        await db.put('adapted', record);
      }),
    clear: () => run('deleting adapted params', (db) => db.clear('adapted')),
  };
}
