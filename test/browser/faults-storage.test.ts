/**
 * Acceptance (issue 6, storage): IndexedDB that throws or never opens → memory
 * fallback after a bounded wait, reported; QuotaExceededError on a write →
 * the oldest events go, then the write succeeds; a newer version opened in
 * another tab → this tab steps aside and keeps working; two tabs tracking at
 * once → every event from both is stored. Faults are injected in the page
 * (init scripts / prototype wrappers); the SDK is the built script-tag package.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { guardPage, SDK_ALLOW, useSdkBrowser, type Guard } from './harness.js';
import { openSdkPage, type SdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

/** IndexedDB refuses outright, as in some private modes and sandboxed iframes. */
const OPEN_THROWS = `IDBFactory.prototype.open = function () { throw new DOMException('IndexedDB is disabled here', 'SecurityError'); };`;

/** IndexedDB accepts the open and never answers (a broken profile, an upgrade blocked forever). */
const OPEN_HANGS = `IDBFactory.prototype.open = function () {
  const request = Object.create(IDBOpenDBRequest.prototype);
  Object.defineProperties(request, { addEventListener: { value() {} }, removeEventListener: { value() {} } });
  return request;
};`;

/** A second tab of the same site: a page in the same browser context (same origin, same IndexedDB). */
async function openSecondTab(session: SdkPage): Promise<{ page: Page; guard: Guard }> {
  const page = await session.context.newPage();
  const guard = await guardPage(page, { origin: env.server.origin, allow: SDK_ALLOW });
  await page.goto(`${env.server.origin}/pages/sdk.html`);
  await page.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
  return { page, guard };
}

type Reported = { code: string; message: string }[];

/** Creates the personalizer, collects its `error` events, tracks three clicks and recommends. */
async function fallbackRun(page: Page) {
  return page.evaluate(async () => {
    const started = performance.now();
    const { catalog } = await window.h.create({ backend: 'cpu' });
    const createMs = performance.now() - started;
    const reported: Reported = [];
    (window.h.p as unknown as { on(t: string, f: (e: { code: string; message: string }) => void): void }).on('error', (e) => reported.push({ code: e.code, message: e.message }));
    for (const itemId of catalog.slice(0, 3)) await window.h.p.track({ type: 'click', itemId });
    const recs = await window.h.p.recommend({ k: 4 });
    const stats = await window.h.p.stats();
    return { createMs, reported, recs: recs.length, stats: { events: stats.events, storage: (stats as unknown as { storage: string }).storage } };
  });
}

describe('storage faults', () => {
  it('IndexedDB open throws → events kept in memory, reported as storage-failed', async () => {
    const session = await openSdkPage(env.browser, env.server.origin, undefined, OPEN_THROWS);
    const r = await fallbackRun(session.page);
    expect(r.stats).toEqual({ events: 3, storage: 'memory' });
    expect(r.recs).toBe(4);
    expect(r.reported).toHaveLength(1);
    expect(r.reported[0]!.code).toBe('storage-failed');
    expect(r.reported[0]!.message).toMatch(/kept in memory.*SecurityError/);
    session.guard.check();
    await session.close();
  });

  it('IndexedDB open never answers → memory fallback after a bounded wait, reported', async () => {
    const session = await openSdkPage(env.browser, env.server.origin, undefined, OPEN_HANGS);
    const r = await fallbackRun(session.page);
    console.log(`[faults-storage] createPersonalizer with a hanging IndexedDB took ${r.createMs.toFixed(0)} ms`);
    expect(r.stats).toEqual({ events: 3, storage: 'memory' });
    expect(r.reported.map((e) => e.code)).toEqual(['storage-failed']);
    expect(r.reported[0]!.message).toMatch(/did not open within 5000 ms/);
    // Bounded: the 5 s open timeout plus the bundle and backend start-up.
    expect(r.createMs).toBeGreaterThanOrEqual(5000);
    expect(r.createMs).toBeLessThan(15_000);
    session.guard.check();
    await session.close();
  });

  it('QuotaExceededError on a write → the oldest events are evicted, the write succeeds, the loss is reported', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(async () => {
      const { catalog } = await window.h.create({ backend: 'cpu' });
      const reported: Reported = [];
      (window.h.p as unknown as { on(t: string, f: (e: { code: string; message: string }) => void): void }).on('error', (e) => reported.push({ code: e.code, message: e.message }));
      for (let i = 0; i < 20; i++) await window.h.p.track({ type: 'view', itemId: catalog[i]!, timestamp: 1_700_000_000_000 + i });
      // The disk is full for the next `add` to the events store (what Chromium throws when over quota).
      const add = IDBObjectStore.prototype.add;
      let failures = 1;
      IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
        if (this.name === 'events' && failures-- > 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return add.apply(this, args);
      };
      const once = await window.h.attempt(() => window.h.p.track({ type: 'click', itemId: catalog[30]!, timestamp: 1_700_000_100_000 }));
      const afterOnce = (await window.h.p.events()).map((e) => (e as { itemId: string }).itemId);
      // Full for good: the write fails with a typed error, nothing escapes to the page.
      failures = Infinity;
      const always = await window.h.attempt(() => window.h.p.track({ type: 'click', itemId: catalog[31]!, timestamp: 1_700_000_200_000 }));
      failures = 0;
      const recovered = await window.h.attempt(() => window.h.p.track({ type: 'click', itemId: catalog[32]!, timestamp: 1_700_000_300_000 }));
      IDBObjectStore.prototype.add = add;
      return { catalog: catalog.slice(0, 33), reported, once, afterOnce, always, recovered, count: (await window.h.p.stats()).events };
    });
    expect(r.once).toMatchObject({ ok: true });
    // 20 stored, the oldest tenth (2) evicted, then the new event written.
    expect(r.afterOnce).toEqual([...r.catalog.slice(2, 20), r.catalog[30]]);
    expect(r.reported[0]).toMatchObject({ code: 'storage-failed' });
    expect(r.reported[0]!.message).toMatch(/QuotaExceededError.*deleted the 2 oldest events/);
    expect(r.always).toMatchObject({ ok: false, name: 'StorageError', code: 'storage-failed' });
    expect(r.always.ok === false && r.always.message).toMatch(/QuotaExceededError/);
    expect(r.recovered).toMatchObject({ ok: true });
    expect(r.count).toBeGreaterThan(0);
    session.guard.check();
    await session.close();
  });

  it('any other write failure → track() rejects with StorageError, stored events are kept, the next write works', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(async () => {
      const { catalog } = await window.h.create({ backend: 'cpu' });
      for (const itemId of catalog.slice(0, 3)) await window.h.p.track({ type: 'click', itemId });
      const add = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function () {
        throw new DOMException('Internal error.', 'UnknownError');
      };
      const failed = await window.h.attempt(() => window.h.p.track({ type: 'click', itemId: catalog[3]! }));
      IDBObjectStore.prototype.add = add;
      const next = await window.h.attempt(() => window.h.p.track({ type: 'click', itemId: catalog[4]! }));
      const events = ((await window.h.p.events()) as { itemId: string }[]).map((e) => e.itemId);
      return { failed, next, events, expected: [catalog[0], catalog[1], catalog[2], catalog[4]] };
    });
    expect(r.failed).toMatchObject({ ok: false, name: 'StorageError', code: 'storage-failed' });
    expect(r.failed.ok === false && r.failed.message).toMatch(/storing an event failed \(UnknownError\)/);
    expect(r.next).toEqual({ ok: true });
    expect(r.events).toEqual(r.expected);
    session.guard.check();
    await session.close();
  });

  it('another tab upgrades the database → this tab steps aside (no hang), then keeps storing events', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    await session.page.evaluate(async () => {
      const { catalog } = await window.h.create({ backend: 'cpu' });
      await window.h.p.track({ type: 'click', itemId: catalog[0]! });
      await window.h.p.track({ type: 'click', itemId: catalog[1]! });
    });
    const tab = await openSecondTab(session);
    // A newer attune (version 2, one more store) opens in the second tab while the first holds version 1.
    const upgrade = await tab.page.evaluate(
      () =>
        new Promise<{ outcome: string; ms: number; blocked: boolean }>((resolve) => {
          const started = performance.now();
          let blocked = false;
          const request = indexedDB.open('attune', 2);
          request.onupgradeneeded = () => request.result.createObjectStore('added-in-v2');
          request.onblocked = () => (blocked = true);
          request.onsuccess = () => {
            (window as unknown as { newer: IDBDatabase }).newer = request.result;
            resolve({ outcome: 'opened', ms: performance.now() - started, blocked });
          };
          request.onerror = () => resolve({ outcome: String(request.error?.name), ms: performance.now() - started, blocked });
          setTimeout(() => resolve({ outcome: 'hung', ms: performance.now() - started, blocked }), 5000);
        }),
    );
    console.log(`[faults-storage] version upgrade from another tab: ${JSON.stringify(upgrade)}`);
    expect(upgrade.outcome).toBe('opened');
    expect(upgrade.ms).toBeLessThan(2000);
    // The first tab reopens at the newer version and loses nothing.
    const first = await session.page.evaluate(async () => {
      const result = await window.h.attempt(() => window.h.p.track({ type: 'click', itemId: window.h.p.catalog[2]! }));
      return { result, events: (await window.h.p.events()).length, recs: (await window.h.p.recommend({ k: 3 })).length };
    });
    expect(first).toEqual({ result: { ok: true }, events: 3, recs: 3 });
    const seenByNewer = await tab.page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const request = (window as unknown as { newer: IDBDatabase }).newer.transaction('events').objectStore('events').count();
          request.onsuccess = () => resolve(request.result);
        }),
    );
    expect(seenByNewer).toBe(3);
    tab.guard.check();
    session.guard.check();
    await session.close();
  });

  it('the site data is deleted while the page is open → the delete is not blocked, tracking goes on in a fresh database', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    await session.page.evaluate(async () => {
      const { catalog } = await window.h.create({ backend: 'cpu' });
      for (const itemId of catalog.slice(0, 2)) await window.h.p.track({ type: 'click', itemId });
    });
    const tab = await openSecondTab(session);
    // What "clear site data" or a privacy tool does: delete the database under the open page.
    const deleted = await tab.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const request = indexedDB.deleteDatabase('attune');
          request.onsuccess = () => resolve('deleted');
          request.onblocked = () => resolve('blocked');
          request.onerror = () => resolve(String(request.error?.name));
        }),
    );
    expect(deleted).toBe('deleted');
    const after = await session.page.evaluate(async () => {
      const result = await window.h.attempt(() => window.h.p.track({ type: 'add_to_cart', itemId: window.h.p.catalog[5]! }));
      const events = (await window.h.p.events()) as { itemId: string }[];
      return { result, events: events.map((e) => e.itemId), recs: (await window.h.p.recommend({ k: 3 })).length, catalog5: window.h.p.catalog[5] };
    });
    expect(after.result).toEqual({ ok: true });
    expect(after.events).toEqual([after.catalog5]);
    expect(after.recs).toBe(3);
    tab.guard.check();
    session.guard.check();
    await session.close();
  });

  it('two tabs tracking at the same time → every event from both is stored', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const tab = await openSecondTab(session);
    const N = 100;
    const burst = (page: Page, parity: number) =>
      page.evaluate(
        async ({ parity, n }) => {
          const { catalog } = await window.h.create({ backend: 'cpu' });
          // Unique timestamps per tab (even / odd) identify every event afterwards; all writes in flight at once.
          const results = await Promise.all(
            Array.from({ length: n }, (_, i) => window.h.attempt(() => window.h.p.track({ type: 'view', itemId: catalog[i % catalog.length]!, timestamp: 1_700_000_000_000 + 2 * i + parity }))),
          );
          return results.filter((x) => !x.ok).length;
        },
        { parity, n: N },
      );
    const failed = await Promise.all([burst(session.page, 0), burst(tab.page, 1)]);
    expect(failed).toEqual([0, 0]);
    const seen = await session.page.evaluate(async () => {
      const events = (await window.h.p.events()) as { timestamp: number; id: number }[];
      return { timestamps: events.map((e) => e.timestamp), ids: new Set(events.map((e) => e.id)).size, recs: (await window.h.p.recommend({ k: 3 })).length };
    });
    expect(seen.timestamps).toEqual(Array.from({ length: 2 * N }, (_, i) => 1_700_000_000_000 + i));
    expect(seen.ids).toBe(2 * N);
    expect(seen.recs).toBe(3);
    tab.guard.check();
    session.guard.check();
    await session.close();
  });
});
