/**
 * Acceptance: bad events reject with a typed error and store nothing; a
 * bundle whose weights do not match the manifest's SHA-256 refuses to load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, requireBuild, ROOT, SDK_MOUNTS, startServer, type StaticServer } from './harness.js';
import { openSdkPage, readOriginStorage } from './sdk-page.js';

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  server = await startServer({ ...SDK_MOUNTS, '/bundles/tampered/': 'demo/public/bundles/shop' });
  // Same size, one byte flipped: only the hash can tell.
  const weights = Buffer.from(readFileSync(join(ROOT, 'demo/public/bundles/shop/weights.bin')));
  const at = Math.floor(weights.length / 2);
  weights[at] = (weights[at] as number) ^ 0x01;
  server.override('/bundles/tampered/weights.bin', weights);
  browser = await launchChromium('nogpu');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('bad input', () => {
  it('track() rejects unknown items, missing or unknown types and non-finite ratings, storing nothing', async () => {
    const session = await openSdkPage(browser, server.origin);
    const results = await session.page.evaluate(async () => {
      const { catalog } = await window.h.create({ backend: 'cpu' });
      const known = catalog[0];
      await window.h.p.track({ type: 'click', itemId: known });
      const bad: Record<string, Record<string, unknown>> = {
        unknownItem: { type: 'click', itemId: 'no-such-item-' + Date.now() },
        missingType: { itemId: known },
        unknownType: { type: 'like', itemId: known },
        nanRating: { type: 'rating', itemId: known, value: Number.NaN },
        infiniteRating: { type: 'rating', itemId: known, value: Number.POSITIVE_INFINITY },
        missingRating: { type: 'rating', itemId: known },
      };
      const out: Record<string, unknown> = {};
      for (const [name, event] of Object.entries(bad)) out[name] = await window.h.attempt(() => window.h.p.track(event));
      out.events = (await window.h.p.events()).length;
      return out;
    });
    const expectations: Record<string, string> = {
      unknownItem: 'itemId',
      missingType: 'type',
      unknownType: 'type',
      nanRating: 'value',
      infiniteRating: 'value',
      missingRating: 'value',
    };
    for (const [name, field] of Object.entries(expectations)) {
      expect(results[name], name).toMatchObject({ ok: false, name: 'InvalidInputError', code: 'invalid-input', field });
    }
    // Only the one valid click was stored.
    expect(results.events).toBe(1);
    session.guard.check();
    await session.close();
  });

  it('fuzzed in the page: 300 seeded hostile track() calls and options all reject typed, store nothing, pollute nothing', async () => {
    // The bulk of the fuzzing runs in Node (test/node/sdk/fuzz.test.ts); this checks the built package in Chromium.
    const session = await openSdkPage(browser, server.origin);
    const r = await session.page.evaluate(async () => {
      let state = 20261204;
      const next = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = Math.imul(state ^ (state >>> 15), state | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
      const hostile = [
        undefined, null, Number.NaN, Infinity, -Infinity, -1, 1e308, Date.now() + 1e12, '', 'x'.repeat(200_000), '__proto__', 'constructor',
        [], {}, Object.create(null), JSON.parse('{"__proto__": {"polluted": true}}'), 1n, Symbol('s'), () => 1, new Date(),
      ];
      const { catalog } = await window.h.create({ backend: 'cpu', dbName: 'fuzz' });
      const fields = new Set<string>();
      let wrong = 0;
      for (let i = 0; i < 300; i++) {
        const event: Record<string, unknown> = { type: 'click', itemId: catalog[0], timestamp: Date.now() };
        const field = pick(['type', 'itemId', 'timestamp', 'value']);
        event[field] = pick(hostile);
        // Any finite value is fine on this implicit bundle (no rating scale): make the value case a bad rating.
        if (field === 'value') event.type = 'rating';
        if (field === 'value' && Number.isFinite(event.value)) event.value = Number.NaN;
        if (field === 'type' && event.type === undefined) delete event.type;
        if (field === 'timestamp' && event.timestamp === undefined) event.timestamp = -1; // undefined means now: valid
        if (next() < 0.3) Object.assign(event, JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'));
        const out = await window.h.attempt(() => window.h.p.track(next() < 0.1 ? pick(hostile) as Record<string, unknown> : event));
        if (out.ok || out.name !== 'InvalidInputError') wrong++;
        else fields.add(out.field);
      }
      const options = ['storage', 'dbName', 'consent', 'retention', 'backend', 'fetch', 'worker'].map((field) =>
        window.h.attempt(() => window.h.create({ backend: 'cpu', dbName: 'fuzz-options', [field]: pick([Number.NaN, 1n, 'x'.repeat(300_000), -1]) })),
      );
      const optionResults = await Promise.all(options);
      return {
        wrong,
        fields: [...fields].sort(),
        optionResults: optionResults.map((o) => (o.ok ? 'accepted' : `${o.name}:${o.field}`)),
        events: (await window.h.p.events()).length,
        polluted: ({} as Record<string, unknown>).polluted !== undefined || Object.getOwnPropertyNames(Object.prototype).includes('polluted'),
      };
    });
    console.log(`[bad-input] page fuzz: ${JSON.stringify(r)}`);
    expect(r.wrong).toBe(0);
    expect(r.fields).toEqual(['event', 'itemId', 'timestamp', 'type', 'value']);
    expect(r.optionResults).toEqual(['InvalidInputError:storage', 'InvalidInputError:dbName', 'InvalidInputError:consent', 'InvalidInputError:retention', 'InvalidInputError:backend', 'InvalidInputError:fetch', 'InvalidInputError:worker']);
    expect(r.events).toBe(0);
    expect(r.polluted).toBe(false);
    // Nothing reached IndexedDB: the visitor's database holds no record, and the rejected options created none.
    const storage = await readOriginStorage(session.page);
    expect(storage.databases.map((d) => d.name)).toEqual(['fuzz']);
    expect(storage.databases[0]!.records).toEqual({ adapted: 0, events: 0 });
    session.guard.check();
    await session.close();
  });

  it('a bundle whose weights.bin does not match the manifest hash refuses to load', async () => {
    const session = await openSdkPage(browser, server.origin);
    const result = await session.page.evaluate(() => window.h.attempt(() => window.h.create({ bundle: '/bundles/tampered/', backend: 'cpu' })));
    expect(result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-hash-mismatch' });
    if (!result.ok) expect(result.message).toMatch(/weights\.bin/);
    session.guard.check();
    await session.close();
  });
});
