/**
 * Acceptance (issue 6, scale): with 100,000 stored events the retention caps
 * (`maxEvents`, `maxAgeDays`) hold, adaptation reads a bounded, recent support
 * set (`inner.maxSupport` events), and `track()` costs about the same as on an
 * empty store. Timings are printed, not asserted (a shared 2-core machine).
 */
import { describe, expect, it } from 'vitest';
import { useSdkBrowser } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

const STORED = 100_000;
const DAY = 24 * 60 * 60 * 1000;
type Adaptation = { ms: number; supportSize: number };

describe('scale', () => {
  it('100,000 stored events: track() stays flat, support stays bounded, maxEvents and maxAgeDays hold', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(
      async ({ STORED, DAY }) => {
        const request = <T,>(req: IDBRequest<T>): Promise<T> => new Promise((ok, fail) => ((req.onsuccess = () => ok(req.result)), (req.onerror = () => fail(req.error))));
        // heldOutCheck off: this visitor clicks the whole catalog in turn, so there is no taste to learn and the
        // check rightly keeps θ0 (safe-adaptation tests cover it); here the adaptation's support bound is measured.
        const create = (retention: Record<string, number>) => window.h.create({ backend: 'cpu', retention, heldOutCheck: false });
        /** Mean and p95 of `n` sequential track() calls, in ms. */
        const timeTracks = async (n: number, base: number) => {
          const ms: number[] = [];
          for (let i = 0; i < n; i++) {
            const t = performance.now();
            await window.h.p.track({ type: i % 5 === 0 ? 'add_to_cart' : 'click', itemId: window.h.p.catalog[i % window.h.p.catalog.length]!, timestamp: base + i });
            ms.push(performance.now() - t);
          }
          ms.sort((a, b) => a - b);
          return { mean: ms.reduce((a, b) => a + b, 0) / n, p95: ms[Math.floor(0.95 * n)]! };
        };
        const count = async () => (await window.h.p.stats()).events;
        const now = Date.now();
        const unlimited = { maxEvents: 1_000_000, maxAgeDays: Infinity };

        // 1. Empty store: the reference cost of track(), and of an adaptation.
        const { catalog } = await create(unlimited);
        const empty = await timeTracks(200, now - 3 * DAY);
        await window.h.p.recommend({ k: 10 });
        const smallAdapt = (await window.h.p.stats()).lastAdaptation as unknown as Adaptation | null;
        await window.h.p.dispose();

        // 2. Seed 100,000 older events straight into the database: half stored 400 days ago, half today.
        let t = performance.now();
        const db = await request(indexedDB.open('attune'));
        const tx = db.transaction('events', 'readwrite');
        for (let i = 0; i < STORED; i++) {
          tx.objectStore('events').add({ type: i % 7 === 0 ? 'add_to_cart' : 'view', itemId: catalog[i % catalog.length], timestamp: now - 30 * DAY + i, storedAt: i < STORED / 2 ? now - 400 * DAY : now });
        }
        await new Promise((ok, fail) => ((tx.oncomplete = ok), (tx.onerror = () => fail(tx.error))));
        db.close();
        const seedMs = performance.now() - t;

        // 3. Reopen on 100,200 events: the same track() cost, a bounded support set.
        t = performance.now();
        await create(unlimited);
        const reopenMs = performance.now() - t;
        const full = await timeTracks(200, now - DAY);
        const countFull = await count();
        await window.h.p.recommend({ k: 10 });
        const bigAdapt = (await window.h.p.stats()).lastAdaptation as unknown as Adaptation | null;
        await window.h.p.dispose();

        // 4. maxAgeDays: the next write drops the 50,000 events stored 400 days ago.
        await create({ maxEvents: 1_000_000, maxAgeDays: 365 });
        t = performance.now();
        await window.h.p.track({ type: 'click', itemId: catalog[0]!, timestamp: now });
        const ageTrackMs = performance.now() - t;
        const countAfterAge = await count();
        await window.h.p.dispose();

        // 5. maxEvents: the next write keeps the 5,000 most recent (by timestamp).
        await create({ maxEvents: 5000 });
        t = performance.now();
        await window.h.p.track({ type: 'click', itemId: catalog[1]!, timestamp: now + 1 });
        const capTrackMs = performance.now() - t;
        const kept = (await window.h.p.events()) as { timestamp: number }[];
        const capped = await timeTracks(100, now + 2);
        const countCapped = await count();
        await window.h.p.dispose();
        return { empty, full, capped, seedMs, reopenMs, ageTrackMs, capTrackMs, countFull, countAfterAge, kept: kept.length, oldestKept: kept[0]!.timestamp, newestKept: kept.at(-1)!.timestamp, countCapped, smallAdapt, bigAdapt, now };
      },
      { STORED, DAY },
    );
    const ms = (x: number) => `${x.toFixed(2)} ms`;
    console.log(
      `[scale] track() mean / p95: empty store ${ms(r.empty.mean)} / ${ms(r.empty.p95)}; at ${STORED} events ${ms(r.full.mean)} / ${ms(r.full.p95)}; ` +
        `capped at 5000 ${ms(r.capped.mean)} / ${ms(r.capped.p95)}. Seeding ${STORED}: ${ms(r.seedMs)}; createPersonalizer on them: ${ms(r.reopenMs)}; ` +
        `write that expires 50,000 by age: ${ms(r.ageTrackMs)}; write that trims to maxEvents 5000: ${ms(r.capTrackMs)}. ` +
        `Adaptation: ${r.smallAdapt?.supportSize} examples in ${ms(r.smallAdapt?.ms ?? NaN)} (200 events) vs ${r.bigAdapt?.supportSize} in ${ms(r.bigAdapt?.ms ?? NaN)} (${STORED + 200} events)`,
    );
    const manifest = (await (await fetch(`${env.server.origin}/bundles/shop/manifest.json`)).json()) as { inner: { maxSupport: number; negativesPerPositive: number } };
    const bound = manifest.inner.maxSupport * (1 + manifest.inner.negativesPerPositive);

    expect(r.countFull).toBe(STORED + 200 + 200);
    expect(r.countAfterAge).toBe(STORED / 2 + 400 + 1);
    expect(r.kept).toBe(5000);
    // The newest 5,000 by timestamp survive: the 402 tracked lately and the 4,598 newest seeded.
    expect(r.newestKept).toBe(r.now + 1);
    expect(r.oldestKept).toBe(r.now - 30 * DAY + STORED - (5000 - 402));
    expect(r.countCapped).toBe(5000);
    expect(r.smallAdapt).not.toBeNull();
    expect(r.bigAdapt).not.toBeNull();
    expect(r.bigAdapt!.supportSize).toBeLessThanOrEqual(bound);
    session.guard.check();
    await session.close();
  });
});
