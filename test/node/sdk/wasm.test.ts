import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createPersonalizer } from 'attune';
import { BASE, freshDbName, makeFixture } from './fixture.js';

// The wasm backend also runs in Node (it reads its .wasm next to its own module), so the
// adapt + rank path and the backend sanity check are exercised on a second backend here.
describe('wasm backend in Node', () => {
  it('adapts and ranks like cpu', async () => {
    const fx = await makeFixture();
    const scores: Record<string, number[]> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      const p = await createPersonalizer({ bundle: BASE, backend, fetch: fx.fetch, dbName: freshDbName() });
      expect(p.backend).toBe(backend);
      expect(tf.getBackend()).toBe(backend);
      for (const itemId of fx.ids.filter((id) => fx.categoryOf(id) === 'shoes').slice(0, 6)) await p.track({ type: 'click', itemId });
      const all = await p.recommend({ k: fx.ids.length, exclude: 'none' });
      const byId = new Map(all.map((r) => [r.itemId, r.score]));
      scores[backend] = fx.ids.map((id) => byId.get(id)!);
      expect((await p.stats()).lastAdaptation?.supportSize).toBeGreaterThan(6); // it really adapted (positives + negatives)
      await p.dispose();
    }
    scores.wasm!.forEach((s, i) => expect(s).toBeCloseTo(scores.cpu![i]!, 4));
  });
});
