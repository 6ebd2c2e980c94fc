/**
 * Acceptance (issue 5): by default the engine runs in attune's dedicated
 * worker with the same public API; `worker: false` runs inline; a worker that
 * cannot load falls back to inline and says why.
 */
import { describe, expect, it } from 'vitest';
import { useSdkBrowser } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

/** Tracks a few clicks, recommends, and reads diagnostics and the page's own tensor count. */
async function run(options: Record<string, unknown>) {
  const session = await openSdkPage(env.browser, env.server.origin);
  const result = await session.page.evaluate(async (options) => {
    const { catalog } = await window.h.create(options);
    // Fixed timestamps: negatives are sampled with a seed derived from the events.
    let timestamp = 1_700_000_000_000;
    for (const itemId of catalog.slice(0, 5)) await window.h.p.track({ type: 'click', itemId, timestamp: timestamp++ });
    const recs = await window.h.p.recommend({ k: 5 });
    const ranked = await window.h.p.rank(catalog.slice(0, 20));
    const d = await (window.h.p as unknown as { diagnostics(): Promise<Record<string, unknown>> }).diagnostics();
    const stats = await window.h.p.stats();
    const pageTensors = window.h.numTensors();
    await window.h.p.dispose();
    const afterDispose = await window.h.attempt(() => (window.h.p as unknown as { diagnostics(): Promise<unknown> }).diagnostics());
    return { recs, ranked, d, stats, pageTensors, afterDispose };
  }, options);
  session.guard.check();
  await session.close();
  return { ...result, requests: session.guard.requests };
}

describe('worker mode', () => {
  it('runs the engine in a worker by default: same API, no tensors on the page', async () => {
    const r = await run({ backend: 'wasm' });
    const d = r.d as { mode: string; backend: string; memory: { numTensors: number }; workerFallback?: string };
    expect(d.workerFallback).toBeUndefined();
    expect(d.mode).toBe('worker');
    expect(d.backend).toBe('wasm');
    expect(r.stats.backend).toBe('wasm');
    expect(r.stats.lastAdaptation).not.toBeNull();
    expect(r.recs).toHaveLength(5);
    expect(r.ranked).toHaveLength(20);
    expect(d.memory.numTensors, 'θ0, rates and the catalog live in the worker').toBeGreaterThan(0);
    // The page's own tfjs (bundled in the script-tag build) holds nothing: every tensor is in the worker.
    expect(r.pageTensors ?? 0).toBe(0);
    expect(r.requests.some((line) => line.includes('/dist/attune.worker.js'))).toBe(true);
    expect(r.afterDispose).toMatchObject({ ok: false, code: 'disposed' });
  });

  it('gives the same scores in the worker as inline', async () => {
    const inWorker = await run({ backend: 'cpu' });
    const inline = await run({ backend: 'cpu', worker: false });
    expect((inline.d as { mode: string }).mode).toBe('inline');
    expect(inline.pageTensors).toBeGreaterThan(0);
    expect(inWorker.ranked.map((x) => x.itemId)).toEqual(inline.ranked.map((x) => x.itemId));
    inWorker.ranked.forEach((x, i) => expect(x.score).toBeCloseTo(inline.ranked[i]!.score, 6));
  });

  it('falls back to inline when the worker script cannot load, and says why', async () => {
    const session = await openSdkPage(env.browser, env.server.origin, (text) => text.includes('404'));
    const d = await session.page.evaluate(async () => {
      await window.h.create({ backend: 'cpu', workerUrl: '/dist/missing-worker.js' });
      await window.h.p.track({ type: 'click', itemId: window.h.p.catalog[0] });
      await window.h.p.recommend({ k: 3 });
      const out = await (window.h.p as unknown as { diagnostics(): Promise<{ mode: string; workerFallback?: string }> }).diagnostics();
      await window.h.p.dispose();
      return out;
    });
    expect(d.mode).toBe('inline');
    expect(d.workerFallback).toMatch(/worker failed to load/);
    expect(session.guard.blocked).toEqual([]);
    await session.close();
  });
});

describe('onProgress in worker mode', () => {
  it("forwards the worker's warm-up steps in order, then ready on the chosen backend", async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const { log, backend, mode } = await session.page.evaluate(async () => {
      const log: Record<string, unknown>[] = [];
      await window.h.create({ dbName: 'progress-worker', onProgress: (e: Record<string, unknown>) => log.push({ ...e }) });
      const out = { log, backend: window.h.p.backend, mode: (await (window.h.p as unknown as { diagnostics(): Promise<{ mode: string }> }).diagnostics()).mode };
      await window.h.p.dispose();
      return out;
    });
    expect(mode).toBe('worker');
    const phases = log.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['bundle', 'warm-up', 'ready']);
    const warm = log.filter((e) => e.phase === 'warm-up');
    // 'auto' on a fresh database: every backend measured (cpu first, the reference), then the winner started.
    expect(warm.filter((e) => e.step === 'measure').map((e) => `${e.backend} ${e.index}/${e.total}`)).toEqual(['cpu 1/4', 'webgpu 2/4', 'webgl 3/4', 'wasm 4/4']);
    expect(warm.at(-1)).toMatchObject({ step: 'start', backend });
    expect(log.at(-1)).toEqual({ phase: 'ready', backend, mode: 'worker' });
    session.guard.check();
    await session.close();
  });
});

describe("backend 'auto' choice cache", () => {
  it('measures once per bundle version and device, then reuses the choice from IndexedDB', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    type Choice = { backend: string; cached: boolean; bundleVersion: string; measurements: unknown[] };
    const choiceOf = () =>
      session.page.evaluate(async () => {
        await window.h.create({});
        const d = await (window.h.p as unknown as { diagnostics(): Promise<{ choice: unknown }> }).diagnostics();
        await window.h.p.dispose();
        return d.choice as Choice;
      });
    const first = await choiceOf();
    const second = await choiceOf();
    expect(first.cached).toBe(false);
    expect(first.measurements).toHaveLength(4);
    expect(second).toMatchObject({ cached: true, backend: first.backend, bundleVersion: first.bundleVersion });
    // A new bundle version (same files, so hashes still verify) must be measured again.
    const manifest = JSON.parse(await (await fetch(`${env.server.origin}/bundles/shop/manifest.json`)).text()) as { version: string };
    env.server.override('/bundles/shop/manifest.json', Buffer.from(JSON.stringify({ ...manifest, version: `${manifest.version}-next` })));
    const third = await choiceOf();
    expect(third).toMatchObject({ cached: false, bundleVersion: `${manifest.version}-next` });
    session.guard.check();
    await session.close();
  });
});

describe('page weight: tfjs backends load only when chosen', () => {
  /** The dist/ files one inline session on `backend` requests (script-tag build, `worker: false`). */
  async function distRequests(backend: string): Promise<string[]> {
    const session = await openSdkPage(env.browser, env.server.origin);
    const live = await session.page.evaluate(async (backend) => {
      const { catalog } = await window.h.create({ backend, worker: false });
      await window.h.p.track({ type: 'click', itemId: catalog[0] });
      await window.h.p.recommend({ k: 3 });
      const name = window.h.p.backend;
      await window.h.p.dispose();
      return name;
    }, backend);
    expect(live).toBe(backend);
    session.guard.check();
    await session.close();
    return session.guard.requests.map((line) => new URL(line.split(' ')[1] as string).pathname).filter((p) => p.startsWith('/dist/'));
  }

  it('script tag: attune.backend-wasm.js is fetched for wasm and not for cpu; attune.backend-webgpu.js for neither', async () => {
    const cpu = await distRequests('cpu');
    const wasm = await distRequests('wasm');
    console.log(`[page weight] dist requests, cpu: ${cpu.join(', ')}; wasm: ${wasm.join(', ')}`);
    expect(cpu).toContain('/dist/attune.global.js');
    expect(cpu.filter((p) => /backend|\.wasm$/.test(p))).toEqual([]);
    expect(wasm).toContain('/dist/attune.backend-wasm.js');
    expect(wasm.some((p) => p.endsWith('.wasm'))).toBe(true);
    expect(wasm.filter((p) => p.includes('webgpu'))).toEqual([]);
  });
});
