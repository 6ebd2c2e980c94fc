/**
 * Issue 6, security: the bundle pinned from the page (`integrity`), attune
 * under a strict Content-Security-Policy (no unsafe-eval, no inline script),
 * a bundle served cross-origin with CORS, and item text rendered as text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardPage, ROOT, SDK_ALLOW, startServer, useSdkBrowser, type StaticServer } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const SHOP = join(ROOT, 'demo/public/bundles/shop');
const env = useSdkBrowser('nogpu', { '/bundles/pinned/': 'demo/public/bundles/shop' });

const sri = (bytes: Buffer | string): string => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;

describe('integrity: the manifest pinned from the page', () => {
  it('loads with the right digest, refuses a changed manifest with bundle-integrity, rejects a malformed value naming the field', async () => {
    const original = readFileSync(join(SHOP, 'manifest.json'));
    const pin = sri(original);
    // The CDN now serves a manifest with a different inner learning rate: every file hash still checks.
    const changed = JSON.parse(original.toString('utf8')) as { inner: Record<string, unknown> };
    env.server.override('/bundles/pinned/manifest.json', Buffer.from(JSON.stringify({ ...changed, inner: { ...changed.inner, lr: 50 } })));
    const session = await openSdkPage(env.browser, env.server.origin);
    const r = await session.page.evaluate(
      async ({ pin, other }) => ({
        good: await window.h.attempt(() => window.h.create({ backend: 'cpu', integrity: pin })),
        either: await window.h.attempt(() => window.h.create({ backend: 'cpu', integrity: `${other} ${pin}` })),
        changed: await window.h.attempt(() => window.h.create({ bundle: '/bundles/pinned/', backend: 'cpu', integrity: pin })),
        unpinned: await window.h.attempt(() => window.h.create({ bundle: '/bundles/pinned/', backend: 'cpu' })),
        md5: await window.h.attempt(() => window.h.create({ backend: 'cpu', integrity: 'md5-abc' })),
        number: await window.h.attempt(() => window.h.create({ backend: 'cpu', integrity: 42 })),
      }),
      { pin, other: sri('something else') },
    );
    expect(r.good).toMatchObject({ ok: true });
    expect(r.either).toMatchObject({ ok: true });
    expect(r.changed).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-integrity' });
    expect(r.unpinned, 'the changed manifest itself is valid: only the pin catches it').toMatchObject({ ok: true });
    expect(r.md5).toMatchObject({ ok: false, name: 'InvalidInputError', field: 'integrity' });
    expect(r.number).toMatchObject({ ok: false, name: 'InvalidInputError', field: 'integrity' });
    session.guard.check();
    await session.close();
  });
});

/**
 * The policy README.md documents: scripts only from the page's origin, wasm
 * compilation allowed ('wasm-unsafe-eval', needed by tfjs-backend-wasm on the
 * page's thread), attune's worker from the same origin, fetches (bundle,
 * .wasm) to the same origin. No 'unsafe-eval', no 'unsafe-inline'.
 */
const BASE_POLICY = "default-src 'none'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; base-uri 'none'; form-action 'none'";
const STRICT = `${BASE_POLICY}; script-src 'self' 'wasm-unsafe-eval'`;
const NO_WASM = `${BASE_POLICY}; script-src 'self'`;

interface CspRun {
  result: { ok: boolean; code?: string; value?: { backend: string; mode: string; recs: number; adapted: boolean } };
  violations: { directive: string; blocked: string; source: string }[];
  inlineRan: boolean;
}

/** Opens pages/csp.html under `policy`, creates a personalizer with `options`, tracks and recommends. */
async function underCsp(policy: string, options: Record<string, unknown>): Promise<CspRun> {
  env.server.setHeaders('/pages/csp.html', { 'content-security-policy': policy });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const guard = await guardPage(page, { origin: env.server.origin, allow: SDK_ALLOW });
  await page.goto(`${env.server.origin}/pages/csp.html`);
  // An inline script the policy must block: proves the header is in force.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.body.append(s);
  });
  const run = await page.evaluate(async (options) => {
    const result = await window.h.attempt(async () => {
      const { catalog } = await window.h.create(options);
      let timestamp = 1_700_000_000_000;
      for (const itemId of catalog.slice(0, 5)) await window.h.p.track({ type: 'click', itemId, timestamp: timestamp++ });
      const recs = await window.h.p.recommend({ k: 5 });
      const d = await (window.h.p as unknown as { diagnostics(): Promise<{ backend: string; mode: string }> }).diagnostics();
      const stats = await window.h.p.stats();
      await window.h.p.dispose();
      return { backend: d.backend, mode: d.mode, recs: recs.length, adapted: stats.lastAdaptation !== null };
    });
    const w = window as unknown as { violations: CspRun['violations']; inlineRan?: boolean };
    return { result, violations: w.violations, inlineRan: w.inlineRan === true };
  }, options);
  expect(guard.blocked).toEqual([]);
  expect(guard.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  await context.close();
  return run as CspRun;
}

describe('strict Content-Security-Policy', () => {
  const runs: [string, Record<string, unknown>, string, string][] = [
    ['worker (default), wasm', { backend: 'wasm' }, 'worker', 'wasm'],
    ['inline, wasm', { backend: 'wasm', worker: false }, 'inline', 'wasm'],
    ['inline, cpu', { backend: 'cpu', worker: false }, 'inline', 'cpu'],
  ];
  for (const [name, options, mode, backend] of runs) {
    it(`${name}: creates, tracks, adapts and recommends with no CSP violation`, async () => {
      const run = await underCsp(STRICT, options);
      expect(run.inlineRan, 'the policy is in force').toBe(false);
      expect(run.violations.filter((v) => v.directive !== 'script-src-elem' || v.blocked !== 'inline')).toEqual([]);
      expect(run.result).toMatchObject({ ok: true, value: { mode, backend, recs: 5, adapted: true } });
    });
  }

  it("without 'wasm-unsafe-eval' the page cannot run wasm: inline wasm fails typed, [wasm, cpu] falls back to cpu", async () => {
    const wasmOnly = await underCsp(NO_WASM, { backend: 'wasm', worker: false });
    expect(wasmOnly.result).toMatchObject({ ok: false, code: 'backend-unavailable' });
    expect(wasmOnly.violations.some((v) => v.blocked === 'wasm-eval')).toBe(true);
    const fallback = await underCsp(NO_WASM, { backend: ['wasm', 'cpu'], worker: false });
    expect(fallback.result).toMatchObject({ ok: true, value: { mode: 'inline', backend: 'cpu', recs: 5, adapted: true } });
  });
});

describe('bundle on another origin', () => {
  let cdn: StaticServer;
  beforeAll(async () => {
    cdn = await startServer({ '/bundles/shop/': 'demo/public/bundles/shop', '/no-cors/shop/': 'demo/public/bundles/shop' });
    cdn.setHeaders('/bundles/', { 'access-control-allow-origin': '*' });
  });
  afterAll(async () => cdn?.close());

  it('loads with CORS headers (no credentials sent); without them fails with bundle-fetch-failed', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const guard = await guardPage(page, { origin: env.server.origin, allow: [...SDK_ALLOW, '/no-cors/'], alsoOrigins: [cdn.origin] }, (text) => /CORS|Failed to load resource/.test(text));
    await page.goto(`${env.server.origin}/pages/sdk.html`);
    await page.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
    const r = await page.evaluate(
      async (cdn) => ({
        cors: await window.h.attempt(async () => {
          const { catalog } = await window.h.create({ bundle: `${cdn}/bundles/shop/`, backend: 'cpu' });
          await window.h.p.track({ type: 'click', itemId: catalog[0] });
          return (await window.h.p.recommend({ k: 3 })).length;
        }),
        noCors: await window.h.attempt(() => window.h.create({ bundle: `${cdn}/no-cors/shop/`, backend: 'cpu' })),
      }),
      cdn.origin,
    );
    expect(r.cors).toEqual({ ok: true, value: 3 });
    expect(r.noCors).toMatchObject({ ok: false, name: 'BundleError', code: 'bundle-fetch-failed' });
    expect(guard.requests.filter((line) => line.startsWith(`GET ${cdn.origin}/bundles/shop/`))).toHaveLength(3);
    expect(guard.blocked).toEqual([]);
    expect(guard.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });
});

describe('the demo renders item text as text', () => {
  it('a product name with <img src=x onerror=…> shows literally and runs nothing', async () => {
    // demo/view.ts as the browser runs it (type-only imports drop out).
    const source = readFileSync(join(ROOT, 'demo/view.ts'), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    expect(js).not.toMatch(/^import .* from/m);
    env.server.override('/pages/demo-view.js', Buffer.from(js));
    const session = await openSdkPage(env.browser, env.server.origin);
    const hostile = '<img src=x onerror="window.pwned = true"><script>window.pwned = true</script>';
    // A string, not a function: vitest rewrites `import()` inside functions it compiles.
    await session.page.evaluate("import('/pages/demo-view.js').then((m) => { window.demoView = m; })");
    const r = await session.page.evaluate(async (name) => {
      const view = (window as unknown as { demoView: unknown }).demoView as {
        productCard(p: unknown, on: unknown): HTMLElement;
        renderRecs(row: HTMLElement, items: unknown[], events: number, on: unknown): void;
      };
      const product = { id: 'p1', name, category: `<b>${name}</b>`, brand: name, price: 9.5 };
      const on = { open: () => undefined, addToCart: () => undefined };
      const card = view.productCard(product, on);
      const row = document.createElement('div');
      view.renderRecs(row, [product], 3, on);
      document.body.append(card, row);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const all = [card, row];
      return {
        elements: all.map((n) => n.querySelectorAll('img, script, b').length),
        shown: all.map((n) => n.textContent?.includes(name) ?? false),
        pwned: (window as unknown as { pwned?: boolean }).pwned === true,
      };
    }, hostile);
    expect(r.pwned).toBe(false);
    expect(r.elements).toEqual([0, 0]);
    expect(r.shown).toEqual([true, true]);
    // No request for the image "x" was ever made.
    expect(session.guard.requests.filter((line) => /\/x$/.test(line))).toEqual([]);
    session.guard.check();
    await session.close();
  });
});
