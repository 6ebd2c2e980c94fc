/**
 * Acceptance: no tensor leaks. After 100 track → recommend cycles (each one
 * adapts again) the page's tf.memory().numTensors is back at its baseline.
 */
import { describe, expect, it } from 'vitest';
import { useSdkBrowser } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

describe('leaks', () => {
  // The two backends a GPU-less visitor gets; each keeps tensors in its own way (JS arrays, wasm heap).
  it.each(['cpu', 'wasm'])('numTensors returns to baseline after 100 track/recommend cycles on %s', async (backend) => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const counts = await session.page.evaluate(async (backend) => {
      const { catalog } = await window.h.create({ backend });
      const types = ['view', 'click', 'add_to_cart', 'purchase'];
      const cycle = async (i: number) => {
        await window.h.p.track({ type: types[i % types.length], itemId: catalog[(i * 7) % catalog.length] });
        await window.h.p.recommend({ k: 10 });
      };
      // One warm-up cycle: the first adaptation may create long-lived tensors (adapted head, caches).
      await cycle(0);
      const baseline = window.h.numTensors();
      for (let i = 1; i <= 100; i++) await cycle(i);
      const after = window.h.numTensors();
      await window.h.p.dispose();
      return { baseline, after, disposed: window.h.numTensors() };
    }, backend);
    console.log(`[leaks] ${backend}: numTensors baseline ${counts.baseline}, after 100 cycles ${counts.after}, after dispose ${counts.disposed}`);
    expect(counts.baseline, 'the page exposes no tfjs engine (window._tfengine)').not.toBeNull();
    expect(counts.after).toBe(counts.baseline);
    // dispose() frees every tensor the personalizer owns, and it owns all of them on this page.
    expect(counts.disposed).toBe(0);
    session.guard.check();
    await session.close();
  });
});
