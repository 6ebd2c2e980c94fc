import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createPersonalizer, type PersonalizerProgress } from 'attune';
import { BASE, freshDbName, makeFixture } from './fixture.js';

/** The phases in arrival order, with consecutive repeats of one phase collapsed. */
const phases = (log: readonly PersonalizerProgress[]): string[] => log.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);

describe('onProgress: bundle download, backend warm-up, ready (Node, cpu + fake-indexeddb)', () => {
  it('reports bundle files, then starting the explicit backend, then ready on it', async () => {
    const fx = await makeFixture();
    const log: PersonalizerProgress[] = [];
    const tensors = tf.memory().numTensors;
    const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', dbName: freshDbName(), fetch: fx.fetch, onProgress: (e) => log.push(e) });
    expect(phases(log)).toEqual(['bundle', 'warm-up', 'ready']);
    // The bundle fields stay as they were: one report per file, the last one complete.
    const files = log.filter((e) => e.phase === 'bundle');
    expect(files.map((e) => e.file)).toEqual(['manifest.json', 'weights.bin', 'items.bin']);
    expect(files.at(-1)).toMatchObject({ filesDone: 3, filesTotal: 3 });
    expect(log.filter((e) => e.phase === 'warm-up')).toEqual([{ phase: 'warm-up', backend: 'cpu', step: 'start', index: 1, total: 1 }]);
    expect(log.at(-1)).toEqual({ phase: 'ready', backend: 'cpu', mode: 'inline' });
    await p.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it("'auto' reports each backend it measures, in order, then the winner; a cached choice only starts it", async () => {
    const fx = await makeFixture();
    const dbName = freshDbName();
    const run = async (): Promise<{ log: PersonalizerProgress[]; backend: string }> => {
      const log: PersonalizerProgress[] = [];
      const p = await createPersonalizer({ bundle: BASE, dbName, fetch: fx.fetch, onProgress: (e) => log.push(e) });
      const backend = p.backend;
      await p.dispose();
      return { log, backend };
    };
    const first = await run();
    expect(phases(first.log)).toEqual(['bundle', 'warm-up', 'ready']);
    const warm = first.log.filter((e) => e.phase === 'warm-up');
    const measured = warm.filter((e) => e.step === 'measure');
    // cpu is measured first (the numeric reference), then the others in preference order.
    expect(measured.map((e) => e.backend)).toEqual(['cpu', 'webgpu', 'webgl', 'wasm']);
    expect(measured.map((e) => `${e.index}/${e.total}`)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(warm.at(-1)).toMatchObject({ step: 'start', backend: first.backend });
    expect(first.log.at(-1)).toEqual({ phase: 'ready', backend: first.backend, mode: 'inline' });

    const second = await run();
    expect(second.log.filter((e) => e.phase === 'warm-up')).toEqual([{ phase: 'warm-up', backend: first.backend, step: 'start', index: 1, total: 1 }]);
    expect(second.log.at(-1)).toEqual({ phase: 'ready', backend: first.backend, mode: 'inline' });
  });

  it('an onProgress that throws or rejects is logged, and attune carries on: every phase still arrives, the personalizer works', async () => {
    const fx = await makeFixture();
    const seen: string[] = [];
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const p = await createPersonalizer({
        bundle: BASE,
        backend: 'cpu',
        dbName: freshDbName(),
        fetch: fx.fetch,
        onProgress: (e) => {
          seen.push(e.phase);
          // Every other report from an async callback that rejects, the rest throw.
          if (seen.length % 2 === 0) return Promise.reject(new Error('async host bug')) as unknown as void;
          throw new Error('host bug');
        },
      });
      expect(seen.filter((x, i) => x !== seen[i - 1])).toEqual(['bundle', 'warm-up', 'ready']);
      await new Promise((resolve) => setTimeout(resolve, 0)); // the rejections are logged a tick later
      expect(logged.length).toBe(seen.length);
      await p.track({ type: 'click', itemId: fx.ids[0]! });
      expect(await p.recommend({ k: 3 })).toHaveLength(3);
      await p.dispose();
    } finally {
      console.error = original;
    }
  });
});
