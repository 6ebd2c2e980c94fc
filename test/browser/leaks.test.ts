/**
 * Acceptance: no tensor leaks. Over 100 track → recommend cycles (each one
 * adapts again, and the held-out check refuses some) the engine's
 * tf.memory().numTensors (in attune's worker, or on the page with
 * `worker: false`, read through `diagnostics()`) stays at its baseline after
 * every used adaptation and at one lower count after every refused one, and
 * `dispose()` frees everything.
 */
import { describe, expect, it } from 'vitest';
import { useSdkBrowser } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

describe('leaks', () => {
  // The two backends a GPU-less visitor gets (each keeps tensors in its own way: JS arrays, wasm heap), in both modes.
  const cases = ['cpu', 'wasm'].flatMap((backend) => [true, false].map((worker) => [backend, worker] as const));
  it.each(cases)('numTensors returns to baseline after 100 track/recommend cycles on %s (worker: %s)', async (backend, worker) => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const counts = await session.page.evaluate(async ({ backend, worker }) => {
      const { catalog } = await window.h.create({ backend, worker });
      const p = window.h.p as typeof window.h.p & { diagnostics(): Promise<{ mode: string; memory: { numTensors: number } }> };
      const types = ['view', 'click', 'add_to_cart', 'purchase'];
      const cycle = async (i: number) => {
        await p.track({ type: types[i % types.length], itemId: catalog[(i * 7) % catalog.length] });
        await p.recommend({ k: 10 });
      };
      // One warm-up cycle: the first adaptation may create long-lived tensors (adapted head, caches).
      await cycle(0);
      const first = await p.diagnostics();
      // The engine holds adapted params after an adaptation it used, none after one the held-out check refused
      // (these events span departments, so some are refused): count per state.
      const byState: Record<'adapted' | 'refused', number[]> = { adapted: [], refused: [] };
      for (let i = 1; i <= 100; i++) {
        await cycle(i);
        const state = (await p.stats()).lastAdaptation ? 'adapted' : 'refused';
        byState[state].push((await p.diagnostics()).memory.numTensors);
      }
      const after = byState.adapted.at(-1) ?? NaN;
      const beforeDispose = window.h.numTensors();
      await p.dispose();
      // Inline, the page's engine is the personalizer's: dispose() must free all of it.
      return { mode: first.mode, baseline: first.memory.numTensors, byState, after, disposed: worker ? null : window.h.numTensors(), pageBefore: beforeDispose };
    }, { backend, worker });
    const { adapted, refused } = counts.byState;
    console.log(`[leaks] ${backend} (${counts.mode}): numTensors baseline ${counts.baseline}, after ${adapted.length} adapted cycles ${counts.after}, after ${refused.length} refused ones ${refused.at(-1) ?? '-'}, after dispose ${counts.disposed ?? 'worker terminated'}`);
    expect(counts.mode).toBe(worker ? 'worker' : 'inline');
    expect(counts.baseline).toBeGreaterThan(0);
    // This visitor walks the whole catalog (every 7th item), so most adaptations are refused: both paths run.
    expect(adapted.length, 'cycles that used their adaptation').toBeGreaterThanOrEqual(5);
    expect(refused.length, 'cycles whose adaptation the held-out check refused').toBeGreaterThanOrEqual(5);
    // The first cycle adapted (one click: nothing to hold out), so the baseline holds one set of adapted params.
    expect(new Set(adapted)).toEqual(new Set([counts.baseline]));
    // Refused cycles hold θ0 only: fewer tensors than the baseline, and never growing.
    for (const n of refused) expect(n).toBe(refused[0]);
    expect(refused[0]).toBeLessThan(counts.baseline);
    if (worker) expect(counts.pageBefore ?? 0, 'no tensors on the page in worker mode').toBe(0);
    else expect(counts.disposed).toBe(0);
    session.guard.check();
    await session.close();
  });
});
