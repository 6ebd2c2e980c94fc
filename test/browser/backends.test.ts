/**
 * Acceptance: the same adapt + rank runs on webgpu, webgl, wasm and cpu in
 * Chromium, each run asserts the backend that actually ran, and the scores
 * agree with cpu within a stated tolerance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, requireBuild, SDK_MOUNTS, startServer, type LaunchKind, type StaticServer } from './harness.js';
import { categoriesBySize, openSdkPage, readShopCatalog } from './sdk-page.js';

/**
 * |score − cpu score| ≤ ATOL + RTOL·|cpu score|. Float32 everywhere; GPU
 * backends sum in a different order and SwiftShader's exp/log differ in the
 * last bits, which a few SGD steps amplify only slightly.
 */
const ATOL = 1e-3;
const RTOL = 1e-3;

type Scores = Map<string, number>;

let server: StaticServer;
const browsers = new Map<LaunchKind, Browser>();
const scores = new Map<string, Scores>();
let clicked: string[] = [];

async function browserFor(kind: LaunchKind): Promise<Browser> {
  const open = browsers.get(kind);
  if (open) return open;
  const browser = await launchChromium(kind);
  browsers.set(kind, browser);
  return browser;
}

beforeAll(async () => {
  requireBuild();
  const catalog = readShopCatalog();
  const category = categoriesBySize(catalog)[0] as string;
  clicked = catalog.filter((item) => item.category === category).slice(0, 5).map((item) => item.id);
  server = await startServer(SDK_MOUNTS);
});

afterAll(async () => {
  for (const browser of browsers.values()) await browser.close();
  await server?.close();
});

/** The same fixed events, then the whole catalog ranked, on one backend. */
async function adaptAndRank(kind: LaunchKind, backend: string | string[], initScript?: string) {
  const session = await openSdkPage(await browserFor(kind), server.origin, undefined, initScript);
  const result = await session.page.evaluate(
    async ({ backend, ids }) => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string } } | null> } }).gpu;
      const adapter = backend === 'webgpu' && gpu ? await gpu.requestAdapter() : null;
      const created = await window.h.create({ backend });
      let ts = 1_700_000_000_000;
      for (const itemId of ids) {
        await window.h.p.track({ type: 'view', itemId, timestamp: ts++ });
        await window.h.p.track({ type: 'click', itemId, timestamp: ts++ });
      }
      await window.h.p.track({ type: 'add_to_cart', itemId: ids[0], timestamp: ts++ });
      const ranked = await window.h.p.rank(created.catalog);
      const stats = await window.h.p.stats();
      await window.h.p.dispose();
      return { backend: created.backend, statsBackend: stats.backend, adapted: stats.lastAdaptation, architecture: adapter?.info?.architecture ?? null, ranked };
    },
    { backend, ids: clicked },
  );
  session.guard.check();
  await session.close();
  return result;
}

describe('every backend', () => {
  const runs: [string, LaunchKind][] = [
    ['cpu', 'nogpu'],
    ['wasm', 'nogpu'],
    ['webgl', 'webgl'],
    ['webgpu', 'webgpu'],
  ];

  for (const [backend, kind] of runs) {
    it(`adapts and ranks on ${backend}, scores within ${ATOL} + ${RTOL}·|s| of cpu`, async () => {
      const run = await adaptAndRank(kind, backend);
      expect(run.backend).toBe(backend);
      expect(run.statsBackend).toBe(backend);
      expect(run.adapted, 'rank() after new events must adapt').not.toBeNull();
      if (backend === 'webgpu') expect(run.architecture, 'WebGPU must run on the SwiftShader adapter, not a silent fallback').toBe('swiftshader');
      const mine: Scores = new Map(run.ranked.map((r) => [r.itemId, r.score]));
      scores.set(backend, mine);
      const ref = scores.get('cpu');
      expect(ref, 'the cpu run goes first').toBeDefined();
      expect(mine.size).toBe(ref!.size);
      let worst = 0;
      let maxAbs = 0;
      for (const [id, s] of ref!) {
        const other = mine.get(id);
        expect(other, id).toBeTypeOf('number');
        const diff = Math.abs((other as number) - s);
        maxAbs = Math.max(maxAbs, diff);
        worst = Math.max(worst, diff / (ATOL + RTOL * Math.abs(s)));
      }
      console.log(
        `[backends] ${backend}: ${mine.size} scores, max |Δ| vs cpu ${maxAbs.toExponential(2)} (${(worst * 100).toFixed(2)}% of tolerance), adaptation ${run.adapted?.ms.toFixed(1)} ms`,
      );
      expect(worst).toBeLessThanOrEqual(1);
    });
  }

  // The three ways tfjs backend setup fails (BROWSER-TESTING.md, defect 5) must each fall through.
  it("'auto' without any GPU falls through to wasm or cpu and says which", async () => {
    const run = await adaptAndRank('nogpu', 'auto');
    expect(['wasm', 'cpu']).toContain(run.backend);
  });

  it('no WebGPU adapter and no WebGL: [webgpu, webgl, wasm] falls through to wasm', async () => {
    const run = await adaptAndRank('nogpu', ['webgpu', 'webgl', 'wasm']);
    expect(run.backend).toBe('wasm');
  });

  it('navigator.gpu missing altogether: [webgpu, webgl] falls through to webgl', async () => {
    const run = await adaptAndRank('webgl', ['webgpu', 'webgl'], 'delete Navigator.prototype.gpu;');
    expect(run.backend).toBe('webgl');
  });
});
