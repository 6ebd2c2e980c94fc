/**
 * Issue 6, bundle faults: a missing bundle, a server that never answers, a
 * truncated or tampered file, a manifest of a newer format each end in a
 * typed BundleError with its own code, quickly, with nothing uncaught on the
 * page; a bundle update at the same URL re-adapts on the kept events.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, useSdkBrowser } from './harness.js';
import { openSdkPage, type SdkPage } from './sdk-page.js';

const SHOP = join(ROOT, 'demo/public/bundles/shop');
const env = useSdkBrowser('nogpu', {
  '/bundles/truncated/': 'demo/public/bundles/shop',
  '/bundles/tampered-items/': 'demo/public/bundles/shop',
  '/bundles/newer/': 'demo/public/bundles/shop',
  '/bundles/not-json/': 'demo/public/bundles/shop',
  '/bundles/hang/': 'demo/public/bundles/shop',
  '/bundles/rolling/': 'demo/public/bundles/shop',
  '/bundles/offline/': 'demo/public/bundles/shop',
});

/** Records what reaches the page uncaught, besides the harness's pageerror listener. */
const RECORD_UNCAUGHT = `
  window.__uncaught = [];
  addEventListener('error', (e) => window.__uncaught.push('error: ' + e.message));
  addEventListener('unhandledrejection', (e) => window.__uncaught.push('unhandledrejection: ' + String(e.reason && e.reason.message || e.reason)));
`;

/** Only HTTP/console errors for requests the test broke on purpose are expected; nothing uncaught. */
async function expectNothingUncaught(session: SdkPage, expectedFailure?: RegExp): Promise<void> {
  const uncaught = await session.page.evaluate(() => (window as unknown as { __uncaught: string[] }).__uncaught);
  expect(uncaught).toEqual([]);
  expect(session.guard.blocked).toEqual([]);
  const unexpected = session.guard.errors.filter((e) => !(expectedFailure && expectedFailure.test(e)));
  expect(unexpected).toEqual([]);
  // The host page still runs its own code.
  expect(await session.page.evaluate(() => document.body.appendChild(document.createElement('p')).tagName)).toBe('P');
}

const open = (ignore?: (text: string) => boolean) => openSdkPage(env.browser, env.server.origin, ignore ?? (() => false), RECORD_UNCAUGHT);

/** Creates a personalizer on the page and returns the typed failure (or success) and how long it took. */
function attemptCreate(session: SdkPage, options: Record<string, unknown>) {
  return session.page.evaluate(async (options) => {
    const start = performance.now();
    const result = await window.h.attempt(() => window.h.create(options));
    return { result, ms: performance.now() - start };
  }, options);
}

describe('bundle faults', () => {
  it('404: BundleError bundle-fetch-failed naming the status', async () => {
    const session = await open((text) => text.includes('404'));
    const { result } = await attemptCreate(session, { bundle: '/bundles/missing/', backend: 'cpu' });
    expect(result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-fetch-failed' });
    if (!result.ok) expect(result.message).toMatch(/HTTP 404/);
    await expectNothingUncaught(session, /HTTP 404 GET .*\/bundles\/missing\/manifest\.json/);
    await session.close();
  });

  it('a server that never answers: BundleError bundle-timeout after the configured wait, for the manifest and for a weights file', async () => {
    const session = await open();
    // Accept the requests and never reply (page routes take precedence over the privacy guard's).
    await session.page.route('**/bundles/hang/manifest.json', () => undefined);
    const manifest = await attemptCreate(session, { bundle: '/bundles/hang/', backend: 'cpu', bundleTimeoutMs: 1500 });
    expect(manifest.result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-timeout' });
    if (!manifest.result.ok) expect(manifest.result.message).toMatch(/manifest\.json did not arrive within 1500 ms/);
    expect(manifest.ms).toBeGreaterThanOrEqual(1400);
    expect(manifest.ms).toBeLessThan(6000);
    await session.page.unroute('**/bundles/hang/manifest.json');
    await session.page.route('**/bundles/hang/weights.bin', () => undefined);
    const weights = await attemptCreate(session, { bundle: '/bundles/hang/', backend: 'cpu', bundleTimeoutMs: 1000 });
    expect(weights.result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-timeout' });
    if (!weights.result.ok) expect(weights.result.message).toMatch(/weights\.bin/);
    expect(weights.ms).toBeLessThan(6000);
    const bad = await attemptCreate(session, { bundle: '/bundles/hang/', bundleTimeoutMs: -5 });
    expect(bad.result).toMatchObject({ ok: false, name: 'InvalidInputError', field: 'bundleTimeoutMs' });
    await expectNothingUncaught(session);
    await session.close();
  });

  it('truncated weights: BundleError bundle-hash-mismatch saying truncated', async () => {
    const full = readFileSync(join(SHOP, 'weights.bin'));
    env.server.override('/bundles/truncated/weights.bin', full.subarray(0, Math.floor(full.length / 2)));
    const session = await open();
    const { result } = await attemptCreate(session, { bundle: '/bundles/truncated/', backend: 'cpu' });
    expect(result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-hash-mismatch' });
    if (!result.ok) expect(result.message).toMatch(/weights\.bin is \d+ bytes, the manifest says \d+ \(truncated/);
    await expectNothingUncaught(session);
    await session.close();
  });

  it('items.bin with a wrong hash (same size): BundleError bundle-hash-mismatch naming items.bin', async () => {
    const items = Buffer.from(readFileSync(join(SHOP, 'items.bin')));
    items[7] = (items[7] as number) ^ 0x10;
    env.server.override('/bundles/tampered-items/items.bin', items);
    const session = await open();
    const { result } = await attemptCreate(session, { bundle: '/bundles/tampered-items/', backend: 'cpu' });
    expect(result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-hash-mismatch' });
    if (!result.ok) expect(result.message).toMatch(/items\.bin does not match its SHA-256/);
    await expectNothingUncaught(session);
    await session.close();
  });

  it('a manifest of a newer format version: BundleError bundle-unsupported-version, no weights fetched', async () => {
    const manifest = JSON.parse(readFileSync(join(SHOP, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    env.server.override('/bundles/newer/manifest.json', Buffer.from(JSON.stringify({ ...manifest, formatVersion: 2 })));
    env.server.override('/bundles/not-json/manifest.json', Buffer.from('{"format": "attune-bundle", '));
    const session = await open();
    const newer = await attemptCreate(session, { bundle: '/bundles/newer/', backend: 'cpu' });
    expect(newer.result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-unsupported-version' });
    if (!newer.result.ok) expect(newer.result.message).toMatch(/format version 2 is newer than this attune build reads \(1\)/);
    expect(session.guard.requests.filter((line) => line.includes('/bundles/newer/'))).toEqual([`GET ${env.server.origin}/bundles/newer/manifest.json`]);
    const broken = await attemptCreate(session, { bundle: '/bundles/not-json/', backend: 'cpu' });
    expect(broken.result).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-malformed' });
    await expectNothingUncaught(session);
    await session.close();
  });
});

/** Version B of the shop bundle: the head's output layer negated, hashes and version updated. */
function updatedBundle(): { manifest: Buffer; weights: Buffer; version: string } {
  const manifest = JSON.parse(readFileSync(join(SHOP, 'manifest.json'), 'utf8')) as {
    version: string;
    files: { path: string; bytes: number; sha256: string }[];
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
  };
  const weights = Buffer.from(readFileSync(join(SHOP, 'weights.bin')));
  const floats = new Float32Array(weights.buffer, weights.byteOffset, weights.length / 4);
  let offset = 0;
  for (const w of manifest.weightsManifest[0]!.weights) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (w.name === 'head/out/kernel') for (let i = offset; i < offset + size; i++) floats[i] = -floats[i]!;
    offset += size;
  }
  const sha256 = createHash('sha256').update(weights).digest('hex');
  const version = `${manifest.version}-b`;
  const files = manifest.files.map((f) => (f.path === 'weights.bin' ? { ...f, sha256 } : f));
  return { manifest: Buffer.from(JSON.stringify({ ...manifest, version, files })), weights, version };
}

describe('bundle update at the same URL', () => {
  it('re-adapts on the kept events, drops params adapted for the old version, and scores with the new model', async () => {
    const session = await open();
    const { page } = session;
    const visit = () =>
      page.evaluate(async () => {
        const { bundleVersion, catalog } = await window.h.create({ bundle: '/bundles/rolling/', backend: 'cpu' });
        if ((await window.h.p.events()).length === 0) {
          let timestamp = 1_700_000_000_000;
          for (const itemId of catalog.slice(0, 6)) await window.h.p.track({ type: 'click', itemId, timestamp: timestamp++ });
        }
        const top = (await window.h.p.recommend({ k: 10 })).map((r) => r.itemId);
        const stats = await window.h.p.stats();
        await window.h.p.dispose();
        const adapted = await new Promise<{ bundleVersion: string }[]>((resolve, reject) => {
          const req = indexedDB.open('attune');
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const db = req.result;
            const all = db.transaction('adapted').objectStore('adapted').getAll();
            all.onsuccess = () => (db.close(), resolve(all.result as { bundleVersion: string }[]));
            all.onerror = () => reject(all.error);
          };
        });
        return { bundleVersion, top, events: stats.events, cached: (stats.lastAdaptation as { cached?: boolean } | null)?.cached ?? null, adapted: adapted.map((r) => r.bundleVersion) };
      });
    const reload = async () => {
      await page.reload();
      await page.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
    };
    const first = await visit();
    expect(first).toMatchObject({ events: 6, cached: false, adapted: [first.bundleVersion] });
    await reload();
    const again = await visit();
    // Same bundle: the adapted params come back from IndexedDB, so the next check means something.
    expect(again).toMatchObject({ bundleVersion: first.bundleVersion, events: 6, cached: true, top: first.top });

    const next = updatedBundle();
    env.server.override('/bundles/rolling/manifest.json', next.manifest);
    env.server.override('/bundles/rolling/weights.bin', next.weights);
    await reload();
    const updated = await visit();
    expect(updated.bundleVersion).toBe(next.version);
    expect(updated.events, 'events survive a bundle update').toBe(6);
    expect(updated.cached, 'params adapted for the old version are not reused').toBe(false);
    expect(updated.adapted, 'only the new version is cached').toEqual([next.version]);
    expect(updated.top).not.toEqual(first.top);
    await expectNothingUncaught(session);
    await session.close();
  });
});

describe('offline after the first visit', () => {
  it('serves the verified bundle from Cache Storage when the network fails; forget() deletes it; consent: false never writes it', async () => {
    const session = await open((text) => /ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(text));
    const { page } = session;
    const run = (options: Record<string, unknown>) =>
      page.evaluate(async (options) => {
        const created = await window.h.attempt(() => window.h.create({ bundle: '/bundles/offline/', backend: 'cpu', ...options }));
        if (!created.ok) return { created, caches: await caches.keys() };
        const { catalog } = created.value;
        await window.h.p.track({ type: 'click', itemId: catalog[3] });
        const recs = await window.h.p.recommend({ k: 3 });
        const events = (await window.h.p.events()).length;
        return { created, recs: recs.length, events, caches: await caches.keys(), p: true };
      }, options);
    const first = await run({});
    expect(first).toMatchObject({ created: { ok: true }, recs: 3, events: 1, caches: ['attune-bundles'] });
    // The network goes away for the bundle (the page itself is already loaded).
    let refused = 0;
    await page.route('**/bundles/offline/**', (route) => (refused++, route.abort('internetdisconnected')));
    const offline = await run({});
    expect(offline.created).toMatchObject({ ok: true, value: { bundleVersion: (first.created as { value: { bundleVersion: string } }).value.bundleVersion } });
    expect(offline).toMatchObject({ recs: 3, events: 2 });
    expect(refused).toBeGreaterThanOrEqual(3);
    // forget(): no visitor data left, and the cached bundle (which says where the visitor has been) goes too.
    await page.evaluate(() => window.h.p.forget());
    expect(await page.evaluate(() => caches.keys())).toEqual([]);
    const afterForget = await run({});
    expect(afterForget.created).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-fetch-failed' });
    await page.unroute('**/bundles/offline/**');
    const noConsent = await run({ consent: false, dbName: 'no-consent' });
    expect(noConsent).toMatchObject({ created: { ok: true }, caches: [] });
    await expectNothingUncaught(session, /ERR_INTERNET_DISCONNECTED|net::ERR/);
    await session.close();
  });
});
