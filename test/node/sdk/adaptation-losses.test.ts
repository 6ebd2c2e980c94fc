import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createPersonalizer, type AdaptationInfo } from 'attune';
import * as tf from '@tensorflow/tfjs';
import { fastAdapt } from '../../../src/engine/fast-head.js';
import { createEngine } from '../../../src/engine/engine.js';
import { loadBundle } from '../../../src/bundle/read.js';
import { createRng } from '../../../src/core/random.js';
import { BASE, freshDbName, makeFixture } from './fixture.js';

describe('per-step inner-loop losses (the demo\'s loss chart)', () => {
  it('fastAdapt reports the loss after 0, 1, …, steps steps', () => {
    const rng = createRng(3);
    const fanIn = [4, 5];
    const theta0 = [4 * 5, 5, 5, 1].map((n) => Float32Array.from({ length: n }, () => 0.5 * rng.normal()));
    const x = Float32Array.from({ length: 6 * 4 }, () => rng.normal());
    const y = Float32Array.from([1, 0, 1, 0, 0, 1]);
    const w = Float32Array.from([1, 1, 3, 1, 1, 1.5]);
    const run = (steps: number) => fastAdapt({ theta0, fanIn, lr: 0.3, x, y, w, steps, loss: 'bce' });
    const full = run(5);
    expect(full.losses).toHaveLength(6);
    expect(full.losses[0]).toBe(full.lossBefore);
    expect(full.losses[5]).toBe(full.lossAfter);
    for (let s = 1; s <= 5; s++) expect(full.losses[s]).toBeCloseTo(run(s).lossAfter, 10);
    expect(full.lossAfter).toBeLessThan(full.lossBefore);
  });

  it('both inner loops report the same per-step losses, and the tfjs one leaks no tensors', async () => {
    const fx = await makeFixture();
    const bundle = await loadBundle(BASE, { fetch: fx.fetch });
    const support = { items: Int32Array.from([0, 3, 6, 1, 2]), y: Float32Array.from([1, 1, 1, 0, 0]), w: Float32Array.from([1, 3, 1.5, 1, 1]) };
    const run = async (innerLoop: 'js' | 'tfjs') => {
      const engine = await createEngine(bundle, { backend: ['cpu'], innerLoop });
      const before = tf.memory().numTensors;
      const result = await engine.adapt(support);
      expect(tf.memory().numTensors).toBe(before + result.params.length); // the adapted params, held for scoring; nothing else
      engine.dispose();
      return result;
    };
    const baseline = tf.memory().numTensors;
    const js = await run('js');
    const viaTfjs = await run('tfjs');
    expect(tf.memory().numTensors).toBe(baseline);
    expect(viaTfjs.losses).toHaveLength(fx.manifest.inner.steps + 1);
    viaTfjs.losses.forEach((l, i) => expect(l).toBeCloseTo(js.losses[i]!, 4));
    expect(viaTfjs.lossBefore).toBe(viaTfjs.losses[0]);
    expect(viaTfjs.lossAfter).toBe(viaTfjs.losses.at(-1));
  });

  it('the personalizer hands them out with the adaptation info', async () => {
    const fx = await makeFixture();
    const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', worker: false, dbName: freshDbName(), fetch: fx.fetch });
    const seen: AdaptationInfo[] = [];
    p.on('adapted', (info) => seen.push(info));
    await p.track({ type: 'click', itemId: 'item-0' });
    await p.recommend();
    const info = (await p.stats()).lastAdaptation!;
    expect(seen).toEqual([info]);
    expect(info.losses).toHaveLength(fx.manifest.inner.steps + 1);
    expect(info.losses![0]).toBeCloseTo(info.lossBefore, 6);
    expect(info.losses!.at(-1)).toBeCloseTo(info.lossAfter, 6);
    await p.dispose();
  });
});
