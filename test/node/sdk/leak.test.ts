import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createPersonalizer, EVENT_TYPES } from 'attune';
import { BASE, freshDbName, makeFixture } from './fixture.js';

describe('tensor hygiene', () => {
  it('tf.memory().numTensors returns to its baseline after 100 track/recommend cycles, and to zero extra after dispose', async () => {
    const fx = await makeFixture();
    await tf.setBackend('cpu');
    const empty = tf.memory().numTensors;
    const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', fetch: fx.fetch, dbName: freshDbName() });
    let adaptations = 0;
    let refused = 0; // adaptations the held-out check (on by default) refused: two inner loops ran, θ0 kept
    p.on('adapted', (info) => (adaptations += info.cached ? 0 : 1));
    p.on('error', (e) => (refused += e.code === 'adaptation-unsound' ? 1 : 0));
    const atStart = tf.memory().numTensors; // θ0, embeddings, rates
    // One warm cycle: from here on the engine holds θ0, embeddings and one set of adapted params…
    await p.track({ type: 'click', itemId: fx.ids[0]! });
    await p.recommend();
    const baseline = tf.memory().numTensors;
    expect(baseline).toBeGreaterThan(atStart);
    // …or none, after an adaptation the held-out check refused (θ0 is used as is).
    const expected = async (): Promise<number> => ((await p.stats()).lastAdaptation ? baseline : atStart);
    const types = EVENT_TYPES.filter((t) => t !== 'rating');
    for (let i = 0; i < 100; i++) {
      await p.track({ type: types[i % types.length]!, itemId: fx.ids[(i * 7) % fx.ids.length]! });
      await p.recommend({ k: 5 });
      if (i % 10 === 0) await p.rank(fx.ids.slice(0, 10));
      expect(tf.memory().numTensors).toBe(await expected());
    }
    expect(adaptations + refused).toBe(101); // every cycle really ran the inner loop
    expect(adaptations).toBeGreaterThan(50); // and most adaptations were applied (adapted params on the engine)
    await p.dispose();
    expect(tf.memory().numTensors).toBe(empty);
  });
});
