/**
 * Acceptance: bad events reject with a typed error and store nothing; a
 * bundle whose weights do not match the manifest's SHA-256 refuses to load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, requireBuild, ROOT, SDK_MOUNTS, startServer, type StaticServer } from './harness.js';
import { openSdkPage } from './sdk-page.js';

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

  it('a bundle whose weights.bin does not match the manifest hash refuses to load', async () => {
    const session = await openSdkPage(browser, server.origin);
    const result = await session.page.evaluate(() => window.h.attempt(() => window.h.create({ bundle: '/bundles/tampered/', backend: 'cpu' })));
    expect(result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-hash-mismatch' });
    if (!result.ok) expect(result.message).toMatch(/weights\.bin/);
    session.guard.check();
    await session.close();
  });
});
