/**
 * Acceptance (issue 5): each TensorFlow.js defect attune designs around
 * (BROWSER-TESTING.md, defects 2, 3, 5, 6), in real Chromium, with the engine
 * in its worker (the default) unless the case is about the page itself.
 */
import { describe, expect, it } from 'vitest';
import { useBrowserPool, type LaunchKind } from './harness.js';
import { openSdkPage } from './sdk-page.js';

interface Attempt {
  name: string;
  ok: boolean;
  reason?: string;
}
interface Measurement {
  backend: string;
  ok: boolean;
  reason?: string;
}
interface Diagnostics {
  backend: string;
  mode: string;
  workerFallback?: string;
  attempts: Attempt[];
  choice: { measurements: Measurement[]; cached: boolean } | null;
  memory: { numTensors: number; epsilon: number };
}
interface Outcome {
  d: Diagnostics;
  scores: number[];
  adapted: { lossBefore: number; lossAfter: number } | null;
}

const pool = useBrowserPool();


/** Creates a personalizer with `options`, adapts on fixed clicks, ranks the first 30 items; returns diagnostics and scores. */
async function outcome(kind: LaunchKind, options: Record<string, unknown>, page = '/pages/sdk.html', initScript?: string): Promise<Outcome> {
  const session = await openSdkPage(await pool.browserFor(kind), pool.server.origin, undefined, initScript);
  if (page !== '/pages/sdk.html') {
    await session.page.goto(`${pool.server.origin}${page}`);
    await session.page.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
  }
  const result = await session.page.evaluate(async (options) => {
    const { catalog } = await window.h.create(options);
    let timestamp = 1_700_000_000_000;
    for (const itemId of catalog.slice(0, 6)) await window.h.p.track({ type: 'click', itemId, timestamp: timestamp++ });
    const ranked = await window.h.p.rank(catalog.slice(0, 30));
    const byId = new Map(ranked.map((r) => [r.itemId, r.score]));
    const stats = await window.h.p.stats();
    const d = (await (window.h.p as unknown as { diagnostics(): Promise<unknown> }).diagnostics()) as Diagnostics;
    await window.h.p.dispose();
    return { d, scores: catalog.slice(0, 30).map((id) => byId.get(id)!), adapted: stats.lastAdaptation as Outcome['adapted'] };
  }, options);
  session.guard.check();
  await session.close();
  return result;
}

const expectClose = (a: readonly number[], b: readonly number[]): void => {
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThanOrEqual(1e-3 + 1e-3 * Math.abs(b[i]!)));
};

describe('defect 5: backend set-up fails three ways, attune falls through', () => {
  it('setBackend returning false (no WebGL at all) is a refusal, not a crash', async () => {
    const { d } = await outcome('nogpu', { backend: ['webgl', 'wasm'] });
    expect(d.mode).toBe('worker');
    expect(d.attempts[0]).toMatchObject({ name: 'webgl', ok: false });
    expect(d.attempts[0]!.reason).toMatch(/setBackend (returned false|threw)/);
    expect(d.backend).toBe('wasm');
  });

  it('the WebGPU adapter missing (navigator.gpu present, requestAdapter() null): refused before setBackend', async () => {
    const { d } = await outcome('nogpu', { backend: ['webgpu', 'cpu'] });
    expect(d.attempts[0]).toMatchObject({ name: 'webgpu', ok: false });
    expect(d.attempts[0]!.reason).toMatch(/no adapter/);
    expect(d.backend).toBe('cpu');
  });

  it('navigator.gpu deleted (page, worker: false): refused, falls through to webgl', async () => {
    const { d } = await outcome('webgl', { backend: ['webgpu', 'webgl'], worker: false }, '/pages/sdk.html', 'delete Navigator.prototype.gpu;');
    expect(d.mode).toBe('inline');
    expect(d.attempts[0]!.reason).toMatch(/navigator\.gpu is missing/);
    expect(d.backend).toBe('webgl');
  });

  it('concurrent switches: two personalizers started at once each get their own backend in their own worker', async () => {
    const session = await openSdkPage(await pool.browserFor('nogpu'), pool.server.origin);
    const r = await session.page.evaluate(async () => {
      const A = (window as unknown as { Attune: { createPersonalizer(o: object): Promise<typeof window.h.p> } }).Attune;
      const opts = { bundle: '/bundles/shop/', wasmPaths: '/dist/' };
      const [a, b] = await Promise.all([A.createPersonalizer({ ...opts, backend: 'cpu', dbName: 'a' }), A.createPersonalizer({ ...opts, backend: 'wasm', dbName: 'b' })]);
      const ids = a.catalog.slice(0, 4);
      await Promise.all(ids.flatMap((itemId) => [a.track({ type: 'click', itemId }), b.track({ type: 'click', itemId })]));
      const [ra, rb] = await Promise.all([a.recommend({ k: 5 }), b.recommend({ k: 5 })]);
      const out = { a: a.backend, b: b.backend, ra, rb };
      await Promise.all([a.dispose(), b.dispose()]);
      return out;
    });
    expect([r.a, r.b]).toEqual(['cpu', 'wasm']);
    for (const recs of [r.ra, r.rb]) {
      expect(recs).toHaveLength(5);
      recs.forEach((x) => expect(Number.isFinite(x.score)).toBe(true));
    }
    session.guard.check();
    await session.close();
  });

  it('concurrent switches on one page (worker: false): serialized, no op lands mid-switch', async () => {
    const session = await openSdkPage(await pool.browserFor('nogpu'), pool.server.origin);
    const r = await session.page.evaluate(async () => {
      const A = (window as unknown as { Attune: { createPersonalizer(o: object): Promise<typeof window.h.p> } }).Attune;
      const opts = { bundle: '/bundles/shop/', wasmPaths: '/dist/', worker: false };
      const made = await Promise.allSettled([A.createPersonalizer({ ...opts, backend: 'cpu', dbName: 'c' }), A.createPersonalizer({ ...opts, backend: 'wasm', dbName: 'd' })]);
      const ok = made.filter((m): m is PromiseFulfilledResult<typeof window.h.p> => m.status === 'fulfilled').map((m) => m.value);
      const recs = await Promise.all(ok.map(async (p) => (await p.track({ type: 'click', itemId: p.catalog[1] }), p.recommend({ k: 3 }))));
      const live = ok.map((p) => p.backend);
      await Promise.all(ok.map((p) => p.dispose()));
      return { statuses: made.map((m) => m.status), recs, live };
    });
    expect(r.statuses).toEqual(['fulfilled', 'fulfilled']);
    // tfjs has one engine per page: whichever switch runs second wins for both, and both report it. Which one that is
    // depends on which bundle fetch and database open finish first, not on the order of the calls.
    expect(['cpu', 'wasm']).toContain(r.live[0]);
    expect(r.live[1]).toBe(r.live[0]);
    r.recs.forEach((recs) => recs.forEach((x) => expect(Number.isFinite(x.score)).toBe(true)));
    session.guard.check();
    await session.close();
  });
});

describe('defect 3: half-float WebGL swallows small updates — attune must not train on it', () => {
  const flags = '?tfjsflags=WEBGL_FORCE_F16_TEXTURES:true';

  it('in the worker: webgl is refused, the next backend runs', async () => {
    const { d } = await outcome('webgl', { backend: ['webgl', 'cpu'], workerUrl: `/dist/attune.worker.js${flags}` });
    expect(d.mode).toBe('worker');
    expect(d.attempts[0]).toMatchObject({ name: 'webgl', ok: false });
    expect(d.attempts[0]!.reason).toMatch(/half-float/);
    expect(d.backend).toBe('cpu');
  });

  it("'auto' in the worker measures webgl as unsound and never picks it", async () => {
    const { d } = await outcome('webgl', { workerUrl: `/dist/attune.worker.js${flags}` });
    const webgl = d.choice!.measurements.find((m) => m.backend === 'webgl');
    expect(webgl).toMatchObject({ ok: false });
    expect(webgl!.reason).toMatch(/half-float/);
    expect(d.backend).not.toBe('webgl');
  });

  it('on the page (worker: false): the same refusal', async () => {
    const { d } = await outcome('webgl', { backend: ['webgl', 'cpu'], worker: false }, `/pages/sdk.html${flags}`);
    expect(d.mode).toBe('inline');
    expect(d.attempts[0]!.reason).toMatch(/half-float/);
    expect(d.backend).toBe('cpu');
  });
});

describe('defect 2: WebGL reports its own optimizer epsilon', () => {
  it('attune adapts with epsilon-free SGD: webgl and cpu agree whatever epsilon tfjs reports', async () => {
    const gl = await outcome('webgl', { backend: 'webgl' });
    const cpu = await outcome('nogpu', { backend: 'cpu' });
    console.log(`[defects] tfjs default epsilon: webgl ${gl.d.memory.epsilon}, cpu ${cpu.d.memory.epsilon}`);
    expect(gl.d.backend).toBe('webgl');
    expect(gl.adapted).not.toBeNull();
    expect(Math.abs(gl.adapted!.lossAfter - cpu.adapted!.lossAfter)).toBeLessThan(1e-3);
    expectClose(gl.scores, cpu.scores);
  });
});

describe('no GPU at all (--disable-gpu --disable-software-rasterizer)', () => {
  it("'auto' measures all four, refuses webgpu and webgl with reasons, and runs wasm or cpu", async () => {
    const { d } = await outcome('nogpu', {});
    expect(d.mode).toBe('worker');
    const m = new Map(d.choice!.measurements.map((x) => [x.backend, x]));
    expect([...m.keys()].sort()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
    expect(m.get('webgpu')!.ok).toBe(false);
    expect(m.get('webgl')!.ok).toBe(false);
    expect(m.get('webgpu')!.reason).toBeTruthy();
    expect(m.get('webgl')!.reason).toBeTruthy();
    expect(['wasm', 'cpu']).toContain(d.backend);
  });
});
