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
    p.on('adapted', (info) => (adaptations += info.cached ? 0 : 1));
    // One warm cycle: from here on the engine holds θ0, embeddings and one set of adapted params.
    await p.track({ type: 'click', itemId: fx.ids[0]! });
    await p.recommend();
    const baseline = tf.memory().numTensors;
    const types = EVENT_TYPES.filter((t) => t !== 'rating');
    for (let i = 0; i < 100; i++) {
      await p.track({ type: types[i % types.length]!, itemId: fx.ids[(i * 7) % fx.ids.length]! });
      await p.recommend({ k: 5 });
      if (i % 10 === 0) await p.rank(fx.ids.slice(0, 10));
      expect(tf.memory().numTensors).toBe(baseline);
    }
    expect(adaptations).toBe(101); // every cycle really adapted
    await p.dispose();
    expect(tf.memory().numTensors).toBe(empty);
  });
});
