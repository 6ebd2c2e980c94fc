/**
 * Issue 6, backend faults: the GPU lost mid-session (WebGL context lost,
 * WebGPU device destroyed) moves the engine to the next backend, which goes on
 * with the same events and scores like cpu; the page hears a `backend-lost`
 * error event and nothing uncaught. The wasm binaries failing to load → cpu.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserPool } from './harness.js';
import { openSdkPage, type SdkPage } from './sdk-page.js';
import { contradictingPlan } from '../shared/overfit.js';

/** Same tolerance as backends.test.ts: float32 sums in another order. */
const ATOL = 1e-3;
const RTOL = 1e-3;

const pool = useBrowserPool();


const T0 = 1_700_000_000_000;

/** Creates a personalizer, listens for error events, tracks 4 clicks and recommends (adapting on the GPU). */
async function start(page: Page, options: Record<string, unknown>) {
  return page.evaluate(
    async ({ options, T0 }) => {
      const { catalog, backend } = await window.h.create(options);
      const w = window as unknown as { attuneErrors: string[] };
      w.attuneErrors = [];
      (window.h.p as unknown as { on(t: string, l: (e: { code: string }) => void): void }).on('error', (e) => w.attuneErrors.push(e.code));
      for (let i = 0; i < 4; i++) await window.h.p.track({ type: 'click', itemId: catalog[i], timestamp: T0 + i });
      await window.h.p.recommend({ k: 5 });
      return { backend, catalog };
    },
    { options, T0 },
  );
}

/** After the fault: one more event, recommend, rank the whole catalog, read what happened. */
async function carryOn(page: Page) {
  return page.evaluate(async (T0) => {
    const catalog = window.h.p.catalog;
    // First a call with no new events (the loss happened while idle), then one that adapts.
    await window.h.p.rank(catalog.slice(0, 10));
    await window.h.p.track({ type: 'add_to_cart', itemId: catalog[0], timestamp: T0 + 10 });
    const recs = await window.h.p.recommend({ k: 5 });
    const ranked = await window.h.p.rank(catalog);
    const d = await (window.h.p as unknown as { diagnostics(): Promise<{ backend: string; mode: string; attempts: { name: string; ok: boolean; reason?: string }[] }> }).diagnostics();
    const stats = await window.h.p.stats();
    await window.h.p.dispose();
    return { recs: recs.length, ranked, d, events: stats.events, errors: (window as unknown as { attuneErrors: string[] }).attuneErrors };
  }, T0);
}

/** The same events on cpu in a fresh page: the reference scores. */
async function cpuReference(): Promise<Map<string, number>> {
  const session = await openSdkPage(await pool.browserFor('nogpu'), pool.server.origin);
  await start(session.page, { backend: 'cpu', worker: false });
  const { ranked } = await carryOn(session.page);
  session.guard.check();
  await session.close();
  return new Map(ranked.map((r) => [r.itemId, r.score]));
}

function expectCloseToCpu(ranked: readonly { itemId: string; score: number }[], reference: Map<string, number>): void {
  expect(ranked).toHaveLength(reference.size);
  let worst = 0;
  for (const { itemId, score } of ranked) {
    const ref = reference.get(itemId)!;
    worst = Math.max(worst, Number.isFinite(score) ? Math.abs(score - ref) / (ATOL + RTOL * Math.abs(ref)) : Infinity);
  }
  expect(worst).toBeLessThanOrEqual(1);
}

const LOSE_WEBGL = `(() => {
  const gl = globalThis._tfengine.backend.gpgpu.gl;
  gl.getExtension('WEBGL_lose_context').loseContext();
  return gl.isContextLost();
})()`;
const LOSE_WEBGPU = `(() => { globalThis._tfengine.backend.device.destroy(); return true; })()`;

async function finish(session: SdkPage): Promise<void> {
  // Chromium logs the context loss itself ("WebGL: CONTEXT_LOST_WEBGL"); everything else counts.
  const unexpected = session.guard.errors.filter((e) => !/CONTEXT_LOST|context lost|Device was destroyed|destroyed/i.test(e));
  expect(unexpected).toEqual([]);
  expect(session.guard.blocked).toEqual([]);
  await session.close();
}

describe('GPU lost mid-session', () => {
  let reference: Map<string, number>;
  beforeAll(async () => {
    reference = await cpuReference();
  });

  it('WebGL context lost (inline): continues on wasm with the same events, scores like cpu, reports backend-lost', async () => {
    const session = await openSdkPage(await pool.browserFor('webgl'), pool.server.origin);
    const started = await start(session.page, { backend: 'webgl', worker: false });
    expect(started.backend).toBe('webgl');
    expect(await session.page.evaluate(LOSE_WEBGL)).toBe(true);
    const after = await carryOn(session.page);
    expect(after.d.backend).toBe('wasm');
    expect(after.d.attempts.some((a) => a.name === 'webgl' && !a.ok && /lost mid-session/.test(a.reason ?? ''))).toBe(true);
    expect(after.errors).toContain('backend-lost');
    expect(after.events).toBe(5);
    expect(after.recs).toBe(5);
    expectCloseToCpu(after.ranked, reference);
    await finish(session);
  });

  it('WebGL context lost in the worker: the worker moves on to wasm', async () => {
    const session = await openSdkPage(await pool.browserFor('webgl'), pool.server.origin);
    const started = await start(session.page, { backend: 'webgl' });
    expect(started.backend).toBe('webgl');
    const [worker] = session.page.workers();
    expect(worker, "attune's worker").toBeDefined();
    expect(await worker!.evaluate(LOSE_WEBGL)).toBe(true);
    const after = await carryOn(session.page);
    expect(after.d.mode).toBe('worker');
    expect(after.d.backend).toBe('wasm');
    expect(after.d.attempts.some((a) => a.name === 'webgl' && !a.ok && /lost mid-session/.test(a.reason ?? ''))).toBe(true);
    expect(after.errors).toContain('backend-lost');
    expect(after.events).toBe(5);
    expectCloseToCpu(after.ranked, reference);
    await finish(session);
  });

  it('WebGPU device lost (inline): continues on the next listed backend', async () => {
    const session = await openSdkPage(await pool.browserFor('webgpu'), pool.server.origin);
    const started = await start(session.page, { backend: ['webgpu', 'wasm', 'cpu'], worker: false });
    expect(started.backend).toBe('webgpu');
    await session.page.evaluate(LOSE_WEBGPU);
    const after = await carryOn(session.page);
    expect(after.d.backend).toBe('wasm');
    expect(after.d.attempts.some((a) => a.name === 'webgpu' && !a.ok && /lost mid-session/.test(a.reason ?? ''))).toBe(true);
    expect(after.errors).toContain('backend-lost');
    expect(after.events).toBe(5);
    expectCloseToCpu(after.ranked, reference);
    await finish(session);
  });

  it('WebGPU device lost in the worker: the worker moves on to the next listed backend', async () => {
    const session = await openSdkPage(await pool.browserFor('webgpu'), pool.server.origin);
    const started = await start(session.page, { backend: ['webgpu', 'wasm', 'cpu'] });
    expect(started.backend).toBe('webgpu');
    await session.page.workers()[0]!.evaluate(LOSE_WEBGPU);
    const after = await carryOn(session.page);
    expect(after.d.mode).toBe('worker');
    expect(after.d.backend).toBe('wasm');
    expect(after.d.attempts.some((a) => a.name === 'webgpu' && !a.ok && /lost mid-session/.test(a.reason ?? ''))).toBe(true);
    expect(after.errors).toContain('backend-lost');
    expect(after.events).toBe(5);
    expectCloseToCpu(after.ranked, reference);
    await finish(session);
  });
});

describe('wasm binaries fail to load', () => {
  for (const worker of [false, true]) {
    it(`${worker ? 'worker' : 'inline'}: [wasm, cpu] runs on cpu and says why wasm was refused`, async () => {
      const session = await openSdkPage(await pool.browserFor('nogpu'), pool.server.origin, (text) => text.includes('404') || /wasm/i.test(text));
      // Registered after the privacy guard's route, so it runs first: every .wasm answers 404.
      const refused: string[] = [];
      await session.context.route('**/*.wasm', (route) => (refused.push(route.request().url()), route.fulfill({ status: 404, body: 'gone' })));
      const r = await session.page.evaluate(async (worker) => {
        const created = await window.h.attempt(() => window.h.create({ backend: ['wasm', 'cpu'], worker }));
        if (!created.ok) return { created };
        await window.h.p.track({ type: 'click', itemId: window.h.p.catalog[0] });
        const recs = await window.h.p.recommend({ k: 3 });
        const d = await (window.h.p as unknown as { diagnostics(): Promise<{ backend: string; mode: string; attempts: { name: string; ok: boolean }[] }> }).diagnostics();
        await window.h.p.dispose();
        return { created, recs: recs.length, d };
      }, worker);
      expect(r.created).toMatchObject({ ok: true });
      expect(r.d?.mode).toBe(worker ? 'worker' : 'inline');
      expect(r.d?.backend).toBe('cpu');
      expect(r.d?.attempts[0]).toMatchObject({ name: 'wasm', ok: false });
      expect(r.recs).toBe(3);
      expect(refused.length, 'the .wasm was requested and answered 404').toBeGreaterThan(0);
      expect(session.guard.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
      await session.close();
    });
  }
});

describe('safe adaptation in the worker', () => {
  it('the held-out check (on by default) reaches the worker engine: events crafted to overfit keep θ0 and say why; with heldOutCheck: false they adapt', async () => {
    const catalog = JSON.parse(readFileSync('demo/public/shop/catalog.json', 'utf8')) as { id: string; category: string }[];
    const inCategory = (c: string): string[] => catalog.filter((p) => p.category === c).map((p) => p.id);
    const plan = contradictingPlan(inCategory('electronics'), inCategory('books'));
    const session = await openSdkPage(await pool.browserFor('nogpu'), pool.server.origin);
    const run = (heldOutCheck: boolean | undefined) =>
      session.page.evaluate(async ({ heldOutCheck, plan, T0 }) => {
        await window.h.create({ backend: 'cpu', dbName: `held-out-${String(heldOutCheck)}`, ...(heldOutCheck === undefined ? {} : { heldOutCheck }) });
        const errors: string[] = [];
        (window.h.p as unknown as { on(t: string, l: (e: { message: string }) => void): void }).on('error', (e) => errors.push(e.message));
        for (const [i, e] of plan.entries()) await window.h.p.track({ ...e, timestamp: T0 + i });
        await window.h.p.recommend({ k: 5 });
        const d = await (window.h.p as unknown as { diagnostics(): Promise<{ mode: string }> }).diagnostics();
        const stats = await window.h.p.stats();
        await window.h.p.dispose();
        return { mode: d.mode, adapted: stats.lastAdaptation !== null, errors };
      }, { heldOutCheck, plan, T0 });
    const checked = await run(undefined);
    expect(checked.mode).toBe('worker');
    expect(checked.adapted).toBe(false);
    expect(checked.errors.join('\n')).toMatch(/adapting made the ranking of \d+ held-out events of the visitor worse/);
    const plain = await run(false);
    expect(plain).toMatchObject({ mode: 'worker', adapted: true, errors: [] });
    session.guard.check();
    await session.close();
  });
});
