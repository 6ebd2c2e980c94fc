/**
 * Acceptance (issue 6, privacy b–e): `exportData()` returns everything stored
 * as documented JSON; `forget()` leaves no attune data in IndexedDB, Cache
 * Storage or local storage (read back afterwards); `consent: false` writes
 * nothing anywhere; `dbName` keeps two shops on one origin apart.
 */
import { describe, expect, it } from 'vitest';
import { guardPage, SDK_ALLOW, useSdkBrowser } from './harness.js';
import { openSdkPage, readOriginStorage, type OriginStorage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

/** Records per database name, for readable assertions. */
const recordsByDb = (s: OriginStorage): Record<string, number> =>
  Object.fromEntries(s.databases.map((d) => [d.name, Object.values(d.records).reduce((a, b) => a + b, 0)]));

type Exported = {
  format: string;
  formatVersion: number;
  exportedAt: string;
  bundleVersion: string;
  storage: string;
  dbName: string | null;
  consent: boolean;
  retention: { maxEvents: number | null; maxAgeDays: number | null };
  events: { id: number; type: string; itemId: string; timestamp: number; storedAt: number; value?: number }[];
  lastAdaptation: { steps: number } | null;
  adapted: { bundleVersion: string; fingerprint: string; params: number[][] }[];
  backendChoices: { backend: string; device: string }[];
};

describe('visitor data', () => {
  it('exportData() returns every stored event, the adaptation and the backend measurements as plain JSON', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(async () => {
      const { catalog, bundleVersion } = await window.h.create({ retention: { maxEvents: 1000 } });
      await window.h.p.track({ type: 'click', itemId: catalog[0], timestamp: 1_700_000_000_000 });
      await window.h.p.track({ type: 'add_to_cart', itemId: catalog[1], timestamp: 1_700_000_001_000 });
      await window.h.p.track({ type: 'view', itemId: catalog[2], timestamp: 1_700_000_002_000 });
      await window.h.p.recommend({ k: 3 });
      const events = await window.h.p.events();
      const data = await (window.h.p as unknown as { exportData(): Promise<unknown> }).exportData();
      const json = JSON.stringify(data);
      await window.h.p.dispose();
      return { bundleVersion, events, data: data as unknown, json };
    });
    const data = r.data as Exported;
    expect(data).toMatchObject({ format: 'attune-visitor-data', formatVersion: 1, bundleVersion: r.bundleVersion, storage: 'indexeddb', dbName: 'attune', consent: true });
    expect(data.retention).toEqual({ maxEvents: 1000, maxAgeDays: 365 });
    expect(Date.parse(data.exportedAt)).toBeGreaterThan(Date.now() - 120_000);
    // The events exactly as stored, in the order events() returns them.
    expect(data.events).toEqual(r.events);
    expect(data.events.map((e) => e.type)).toEqual(['click', 'add_to_cart', 'view']);
    expect(data.lastAdaptation?.steps).toBeGreaterThan(0);
    expect(data.adapted).toHaveLength(1);
    expect(data.adapted[0]!.bundleVersion).toBe(r.bundleVersion);
    expect(data.adapted[0]!.params.flat().length).toBeGreaterThan(0);
    for (const x of data.adapted[0]!.params.flat()) expect(Number.isFinite(x)).toBe(true);
    // backend 'auto' (the default) measured and cached a choice for this device: it is listed too.
    expect(data.backendChoices.length).toBeGreaterThan(0);
    // JSON-safe: survives a round trip unchanged (no typed arrays, no Infinity, no undefined fields lost).
    expect(JSON.parse(r.json)).toEqual(data);
    session.guard.check();
    await session.close();
  });

  it('forget() leaves no attune data in IndexedDB, Cache Storage or local storage', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    await session.page.evaluate(async () => {
      const { catalog } = await window.h.create();
      for (const itemId of catalog.slice(0, 6)) await window.h.p.track({ type: 'click', itemId });
      await window.h.p.recommend({ k: 5 });
    });
    const before = await readOriginStorage(session.page);
    // Not vacuous: events, an adapted head and the backend choice are there first.
    expect(before.databases.find((d) => d.name === 'attune')?.records).toEqual({ events: 6, adapted: 1 });
    expect(recordsByDb(before)['attune-backends']).toBeGreaterThan(0);

    const after = await session.page.evaluate(async () => {
      await window.h.p.forget();
      const data = (await (window.h.p as unknown as { exportData(): Promise<{ events: unknown[]; adapted: unknown[]; backendChoices: unknown[] }> }).exportData());
      const stats = await window.h.p.stats();
      return { events: data.events.length, adapted: data.adapted.length, choices: data.backendChoices.length, stats };
    });
    expect(after).toMatchObject({ events: 0, adapted: 0, choices: 0, stats: { events: 0, lastAdaptation: null } });
    const storage = await readOriginStorage(session.page);
    console.log(`[privacy] after forget(): ${JSON.stringify(storage)}`);
    // The visitor's database stays (empty, so ids are never reused); the device's backend choices are deleted.
    for (const db of storage.databases) expect(db.records, db.name).toEqual(Object.fromEntries(Object.keys(db.records).map((k) => [k, 0])));
    expect(storage.databases.map((d) => d.name)).not.toContain('attune-backends');
    expect(storage.caches).toEqual({});
    expect(storage.localStorage).toBe(0);
    expect(storage.sessionStorage).toBe(0);
    // Still usable after forgetting: a new event is stored and recommendations work.
    const next = await session.page.evaluate(async () => {
      await window.h.p.track({ type: 'click', itemId: window.h.p.catalog[0]! });
      return { recs: (await window.h.p.recommend({ k: 3 })).length, stats: await window.h.p.stats() };
    });
    expect(next).toMatchObject({ recs: 3, stats: { events: 1 } });
    session.guard.check();
    await session.close();
  });

  it('forget() in one tab is honoured by another open tab of the same shop', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const other = await session.context.newPage();
    const otherGuard = await guardPage(other, { origin: env.server.origin, allow: SDK_ALLOW });
    await other.goto(`${env.server.origin}/pages/sdk.html`);
    await other.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
    const liked = await session.page.evaluate(async () => {
      const { catalog } = await window.h.create({ backend: 'cpu' });
      for (const itemId of catalog.slice(0, 3)) await window.h.p.track({ type: 'add_to_cart', itemId });
      return catalog.slice(0, 3);
    });
    // The other tab excludes what the visitor already has in the cart…
    const before = await other.evaluate(async () => {
      await window.h.create({ backend: 'cpu' });
      return (await window.h.p.recommend({ k: 10_000 })).map((r) => r.itemId);
    });
    await session.page.evaluate(() => window.h.p.forget());
    // … and after forget() in the first tab it no longer remembers any of it.
    const after = await other.evaluate(async () => ({
      recs: (await window.h.p.recommend({ k: 10_000 })).map((r) => r.itemId),
      events: (await window.h.p.events()).length,
    }));
    for (const id of liked) expect(before).not.toContain(id);
    for (const id of liked) expect(after.recs).toContain(id);
    expect(after.events).toBe(0);
    otherGuard.check();
    session.guard.check();
    await session.close();
  });

  it('consent: false writes nothing to the device; track and recommend work in memory for the page', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(async () => {
      const { catalog } = await window.h.create({ consent: false });
      for (const itemId of catalog.slice(0, 5)) await window.h.p.track({ type: 'click', itemId });
      const recs = await window.h.p.recommend({ k: 5 });
      const stats = await window.h.p.stats();
      const data = (await (window.h.p as unknown as { exportData(): Promise<{ consent: boolean; storage: string; dbName: string | null; events: unknown[] }> }).exportData());
      const badConsent = await window.h.attempt(() => window.h.create({ consent: 'yes' }));
      return { recs: recs.length, stats, data: { consent: data.consent, storage: data.storage, dbName: data.dbName, events: data.events.length }, badConsent };
    });
    expect(r.recs).toBe(5);
    expect(r.stats).toMatchObject({ events: 5, storage: 'memory' });
    expect(r.stats.lastAdaptation).not.toBeNull();
    expect(r.data).toEqual({ consent: false, storage: 'memory', dbName: null, events: 5 });
    expect(r.badConsent).toMatchObject({ ok: false, name: 'InvalidInputError', field: 'consent' });
    const storage = await readOriginStorage(session.page);
    // Backend 'auto' ran (the default) and still cached nothing.
    expect(storage).toEqual({ databases: [], localStorage: 0, sessionStorage: 0, caches: {} });
    expect(await session.context.cookies()).toEqual([]);
    session.guard.check();
    await session.close();
  });

  it('consent withdrawn: the stored data of an earlier visit is not read, and forget() deletes it', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(async () => {
      // An earlier visit with consent stored events, an adaptation and a backend choice.
      const { catalog } = await window.h.create();
      for (const itemId of catalog.slice(0, 4)) await window.h.p.track({ type: 'click', itemId });
      await window.h.p.recommend({ k: 3 });
      await window.h.p.dispose();
      // Now without consent: nothing of it is used.
      await window.h.create({ consent: false });
      const seen = (await window.h.p.events()).length;
      await window.h.p.forget();
      return { seen };
    });
    expect(r.seen).toBe(0);
    const storage = await readOriginStorage(session.page);
    expect(storage).toEqual({ databases: [], localStorage: 0, sessionStorage: 0, caches: {} });
    session.guard.check();
    await session.close();
  });

  it('two shops on one origin with different dbName never see each other\'s events', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(async () => {
      type P = typeof window.h.p;
      const a = (await Attune.createPersonalizer({ bundle: '/bundles/shop/', wasmPaths: '/dist/', backend: 'cpu', dbName: 'shop-a' })) as unknown as P;
      const b = (await Attune.createPersonalizer({ bundle: '/bundles/shop/', wasmPaths: '/dist/', backend: 'cpu', dbName: 'shop-b' })) as unknown as P;
      const ids = a.catalog;
      for (const itemId of ids.slice(0, 3)) await a.track({ type: 'click', itemId });
      for (const itemId of ids.slice(10, 12)) await b.track({ type: 'add_to_cart', itemId });
      const seen = async (p: P) => (await p.events()).map((e) => (e as { itemId: string }).itemId);
      const before = { a: await seen(a), b: await seen(b) };
      await a.forget();
      const after = { a: await seen(a), b: await seen(b) };
      await a.dispose();
      await b.dispose();
      return { ids: ids.slice(0, 12), before, after };
    });
    expect(r.before).toEqual({ a: r.ids.slice(0, 3), b: r.ids.slice(10, 12) });
    // Forgetting shop A leaves shop B's visitor data alone.
    expect(r.after).toEqual({ a: [], b: r.ids.slice(10, 12) });
    const records = recordsByDb(await readOriginStorage(session.page));
    expect(records).toMatchObject({ 'shop-a': 0, 'shop-b': 2 });
    session.guard.check();
    await session.close();
  });
});

declare const Attune: { createPersonalizer(options: Record<string, unknown>): Promise<unknown> };
