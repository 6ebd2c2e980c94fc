import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createIdbStore, createMemoryStore, StorageError, type Store } from 'attune';
import type { NewEvent } from '../../../src/events.js';
import type { Retention } from '../../../src/store/types.js';
import { freshDbName } from './fixture.js';

const DAY = 24 * 60 * 60 * 1000;
const event = (itemId: string, timestamp: number, type: NewEvent['type'] = 'click'): NewEvent => ({ type, itemId, timestamp });

// The same contract, run against both implementations.
const kinds: Array<[string, (retention?: Retention) => Promise<Store>]> = [
  ['indexeddb', (retention) => createIdbStore(freshDbName(), retention ? { retention } : {})],
  ['memory', async (retention) => createMemoryStore(retention ? { retention } : {})],
];

describe.each(kinds)('%s store', (kind, open) => {
  it('adds events with growing ids and reads them back oldest first', async () => {
    const store = await open();
    expect(store.kind).toBe(kind);
    const now = Date.now();
    const a = await store.events.add(event('a', now - 3000));
    const b = await store.events.add(event('b', now - 1000));
    const c = await store.events.add({ type: 'rating', itemId: 'c', value: 4, timestamp: now - 2000 });
    expect(b.id).toBeGreaterThan(a.id);
    expect(c.id).toBeGreaterThan(b.id);
    expect(c).toEqual({ type: 'rating', itemId: 'c', value: 4, timestamp: now - 2000, id: c.id, storedAt: expect.any(Number) });
    expect((await store.events.all()).find((e) => e.id === c.id)).toEqual(c);
    expect((await store.events.all()).map((e) => e.itemId)).toEqual(['a', 'c', 'b']);
    expect((await store.events.recent(2)).map((e) => e.itemId)).toEqual(['c', 'b']);
    expect(await store.events.recent(0)).toEqual([]);
    expect(await store.events.recent(10)).toHaveLength(3);
    expect(await store.events.count()).toBe(3);
    store.close();
  });

  it('keeps at most maxEvents, evicting the oldest by timestamp', async () => {
    const store = await open({ maxEvents: 3 });
    const now = Date.now();
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries()) await store.events.add(event(id, now - 10_000 + i));
    expect((await store.events.all()).map((e) => e.itemId)).toEqual(['c', 'd', 'e']);
    // An event older than everything kept is itself the oldest, so it goes at once.
    await store.events.add(event('old', now - 50_000));
    expect((await store.events.all()).map((e) => e.itemId)).toEqual(['c', 'd', 'e']);
    store.close();
  });

  it('drops events stored more than maxAgeDays ago, on write; old timestamps alone do not expire', async () => {
    const store = await open({ maxAgeDays: 30 });
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(now - 40 * DAY);
      await store.events.add(event('stored-long-ago', now - 40 * DAY));
      clock.mockReturnValue(now - 20 * DAY);
      await store.events.add(event('stored-lately', now - 20 * DAY));
      expect((await store.events.all()).map((e) => e.itemId)).toEqual(['stored-long-ago', 'stored-lately']);
      clock.mockReturnValue(now);
      // A replayed history (timestamps from 1997) is kept: it was stored just now.
      const replayed = await store.events.add(event('replayed', Date.UTC(1997, 9, 1)));
      expect(replayed.storedAt).toBe(now);
      expect((await store.events.all()).map((e) => e.itemId)).toEqual(['replayed', 'stored-lately']);
    } finally {
      clock.mockRestore();
    }
    store.close();
  });

  it('caches adapted params per bundle version, and clear() removes events and params', async () => {
    const store = await open();
    const info = { ms: 1, steps: 5, supportSize: 3, lossBefore: 0.7, lossAfter: 0.5, at: 1, cached: false };
    await store.adapted.put({ bundleVersion: 'v1', fingerprint: 'f', params: [Float32Array.of(1, 2)], info });
    await store.events.add(event('a', Date.now()));
    const got = await store.adapted.get('v1');
    expect(got?.fingerprint).toBe('f');
    expect(Array.from(got!.params[0]!)).toEqual([1, 2]);
    expect(await store.adapted.get('v2')).toBeUndefined();
    await store.clear();
    expect(await store.events.count()).toBe(0);
    expect(await store.adapted.get('v1')).toBeUndefined();
    // Ids are never reused after a clear (like an IndexedDB key generator).
    const next = await store.events.add(event('b', Date.now()));
    expect(next.id).toBeGreaterThan(1);
    store.close();
  });

  it('rejects with StorageError once closed', async () => {
    const store = await open();
    store.close();
    await expect(store.events.count()).rejects.toThrow();
    if (kind === 'indexeddb') await expect(store.events.count()).rejects.toBeInstanceOf(StorageError);
  });
});

describe('indexeddb store', () => {
  it('persists across connections to the same database', async () => {
    const name = freshDbName();
    const first = await createIdbStore(name);
    await first.events.add(event('kept', Date.now()));
    first.close();
    const second = await createIdbStore(name);
    expect((await second.events.all()).map((e) => e.itemId)).toEqual(['kept']);
    second.close();
  });

  it('steps aside when another connection upgrades the database, then fails with a typed error on the old version', async () => {
    const name = freshDbName();
    const store = await createIdbStore(name);
    await store.events.add(event('a', Date.now()));
    // A newer attune in another tab opens version 2: our `blocking` handler must close, or this would hang.
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 2);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    newer.close();
    await expect(store.events.count()).rejects.toBeInstanceOf(StorageError);
    store.close();
  });

  it('rejects with StorageError when IndexedDB is missing', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error simulating a browser without IndexedDB
    delete globalThis.indexedDB;
    try {
      await expect(createIdbStore(freshDbName())).rejects.toBeInstanceOf(StorageError);
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});
