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
    await store.adapted.put({ bundleVersion: 'v2', fingerprint: 'g', params: [Float32Array.of(3)], info });
    expect((await store.adapted.all()).map((r) => r.bundleVersion).sort()).toEqual(['v1', 'v2']);
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
  it('on QuotaExceededError evicts the oldest tenth, retries once, and says how many went', async () => {
    const evicted: number[] = [];
    const store = await createIdbStore(freshDbName(), { onEvicted: (n) => evicted.push(n) });
    for (let i = 0; i < 30; i++) await store.events.add(event(`e${i}`, 1000 + i));
    const add = IDBObjectStore.prototype.add;
    let failures = 1;
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (failures-- > 0) throw new DOMException('full', 'QuotaExceededError');
      return add.apply(this, args);
    };
    try {
      await store.events.add(event('new', 5000));
      expect(evicted).toEqual([3]);
      expect((await store.events.all()).map((e) => e.itemId)).toEqual([...Array.from({ length: 27 }, (_, k) => `e${k + 3}`), 'new']);
      failures = 2;
      await expect(store.events.add(event('lost', 6000))).rejects.toMatchObject({ name: 'StorageError', message: expect.stringMatching(/QuotaExceededError/) });
    } finally {
      IDBObjectStore.prototype.add = add;
    }
    store.close();
  });

  it('trims hundreds of events at once by key ranges and keeps exactly the newest by timestamp', async () => {
    const name = freshDbName();
    const unlimited = await createIdbStore(name);
    // Timestamps out of insertion order, so the doomed keys form many separate runs.
    const stamps = Array.from({ length: 600 }, (_, i) => 1_000_000 + ((i * 7919) % 600));
    for (const [i, ts] of stamps.entries()) await unlimited.events.add(event(`i${i}`, ts));
    unlimited.close();
    const capped = await createIdbStore(name, { retention: { maxEvents: 100 } });
    await capped.events.add(event('newest', 2_000_000));
    const kept = await capped.events.all();
    expect(kept).toHaveLength(100);
    expect(kept.map((e) => e.timestamp)).toEqual([...stamps.sort((a, b) => a - b).slice(-99), 2_000_000]);
    capped.close();
  });

  it('two connections writing in turn keep the cap exactly once it is reached', async () => {
    const name = freshDbName();
    const [a, b] = [await createIdbStore(name, { retention: { maxEvents: 10 } }), await createIdbStore(name, { retention: { maxEvents: 10 } })];
    for (let i = 0; i < 120; i++) await (i % 2 ? a : b).events.add(event(`e${i}`, i));
    expect((await a.events.all()).map((e) => e.itemId)).toEqual(Array.from({ length: 10 }, (_, k) => `e${110 + k}`));
    a.close();
    b.close();
  });

  it('persists across connections to the same database', async () => {
    const name = freshDbName();
    const first = await createIdbStore(name);
    await first.events.add(event('kept', Date.now()));
    first.close();
    const second = await createIdbStore(name);
    expect((await second.events.all()).map((e) => e.itemId)).toEqual(['kept']);
    second.close();
  });

  // A newer attune in another tab opens version 2: our `blocking` handler must close, or its open would hang.
  const upgradeFromElsewhere = (name: string, stores: readonly string[]): Promise<IDBDatabase> =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 2);
      request.onupgradeneeded = () => {
        for (const store of [...request.result.objectStoreNames]) if (!stores.includes(store)) request.result.deleteObjectStore(store);
        request.result.createObjectStore('added-in-v2');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });

  it('steps aside when another connection upgrades the database, then keeps working on the newer version', async () => {
    const name = freshDbName();
    const store = await createIdbStore(name);
    await store.events.add(event('a', Date.now()));
    const newer = await upgradeFromElsewhere(name, ['events', 'adapted']);
    newer.close();
    // The old tab reopens at version 2 (its stores are still there): nothing tracked in it is lost.
    await store.events.add(event('b', Date.now()));
    expect((await store.events.all()).map((e) => e.itemId)).toEqual(['a', 'b']);
    store.close();
  });

  it('fails with a typed error when a newer version dropped the stores it needs', async () => {
    const name = freshDbName();
    const store = await createIdbStore(name);
    (await upgradeFromElsewhere(name, [])).close();
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
