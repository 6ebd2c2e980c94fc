/** The generic outer loop: every algorithm learns, nothing leaks, tasks are disposed. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationByName } from '../../../src/core/activations.js';
import { adapt } from '../../../src/core/adapt.js';
import { mse } from '../../../src/core/losses.js';
import type { Model } from '../../../src/core/model.js';
import { adam, sgd } from '../../../src/core/optim.js';
import { groupMask, type Params } from '../../../src/core/params.js';
import { createRng } from '../../../src/core/random.js';
import { InvalidInputError } from '../../../src/errors.js';
import { ALGORITHMS, metaTrain, queryLoss, type AlgorithmName, type InnerLoop, type Task } from '../../../src/meta/index.js';
import { disposeTasks, lineTask, mlp } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function innerFor(name: AlgorithmName, model: Model<tf.Tensor>): InnerLoop {
  const mask = name === 'anil' ? groupMask(model.specs, ['head']) : undefined;
  return { steps: name === 'reptile' ? 3 : 1, lr: 0.03, loss: mse, ...(mask ? { mask } : {}) };
}

/** Mean query loss after adaptation on held-out tasks. */
function heldOutLoss(model: Model<tf.Tensor>, params: Params, inner: InnerLoop, tasks: Task<tf.Tensor>[]): number {
  let total = 0;
  for (const t of tasks) total += tf.tidy(() => queryLoss(model, adapt(model, params, t.support, inner), t, mse).dataSync()[0] as number);
  return total / tasks.length;
}

describe('metaTrain', () => {
  it.each(ALGORITHMS)('%s lowers the post-adaptation loss on held-out tasks and leaks nothing', async (name) => {
    const model = mlp([1, 16, 1], activationByName('tanh'));
    const init = model.init(3);
    const inner = innerFor(name, model);
    const testRng = createRng(99);
    const heldOut = Array.from({ length: 20 }, () => lineTask(testRng));
    const before = tf.memory().numTensors;
    const out = await metaTrain({
      model, params: init, algorithm: name, inner, outer: adam(0.01) as never, iterations: 150, seed: 1,
      sampleTasks: (_it, rng) => [lineTask(rng), lineTask(rng), lineTask(rng), lineTask(rng)],
    });
    expect(tf.memory().numTensors).toBe(before + out.params.length + (out.lrs?.length ?? 0));
    expect(out.losses).toHaveLength(150);
    const evalInner = out.lrs ? { ...inner, lr: out.lrs } : inner;
    const start = heldOutLoss(model, init, inner, heldOut);
    const end = heldOutLoss(model, out.params, evalInner, heldOut);
    expect(end).toBeLessThan(0.7 * start);
    expect(init.every((p) => !p.isDisposed)).toBe(true);
    if (name === 'metasgd') expect(out.lrs!.map((l) => l.shape)).toEqual(init.map((p) => p.shape));
    else expect(out.lrs).toBeUndefined();
    tf.dispose([...init, ...out.params, ...(out.lrs ?? [])]);
    disposeTasks(heldOut);
  });

  it('disposes sampled tasks by default and leaves them to the caller with disposeTasks: false', async () => {
    const model = mlp([1, 4, 1], activationByName('relu'));
    const init = model.init(1);
    const seen: Task<tf.Tensor>[] = [];
    const run = async (disposeTasks: boolean) => {
      const out = await metaTrain({
        model, params: init, algorithm: 'fomaml', inner: { steps: 1, lr: 0.1, loss: mse }, outer: sgd(0.01), iterations: 2, disposeTasks,
        sampleTasks: (_it, rng) => { const t = lineTask(rng); seen.push(t); return [t]; },
      });
      tf.dispose(out.params);
    };
    await run(true);
    expect(seen.every((t) => t.support.x.isDisposed && t.query.y.isDisposed)).toBe(true);
    seen.length = 0;
    await run(false);
    expect(seen.some((t) => t.support.x.isDisposed)).toBe(false);
    disposeTasks(seen);
    tf.dispose(init);
  });

  it('rejects unknown algorithms and bad iteration counts', async () => {
    const model = mlp([1, 4, 1], activationByName('relu'));
    const base = { model, params: [] as tf.Tensor[], inner: { steps: 1, lr: 0.1, loss: mse }, outer: sgd(0.1), sampleTasks: () => [] };
    await expect(metaTrain({ ...base, algorithm: 'protonet' as AlgorithmName, iterations: 1 })).rejects.toThrow(/valid: maml/);
    await expect(metaTrain({ ...base, algorithm: 'maml', iterations: -1 })).rejects.toThrow(InvalidInputError);
  });
});

describe('memory over 1,000 meta-iterations', () => {
  it.each(['maml', 'metasgd'] as const)('%s keeps tf.memory().numTensors flat', async (name) => {
    const model = mlp([1, 4, 1], activationByName('tanh'));
    const init = model.init(2);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const out = await metaTrain({
      model, params: init, algorithm: name, inner: { steps: 1, lr: 0.05, loss: mse }, outer: adam(1e-3) as never, iterations: 1000,
      sampleTasks: (_it, rng) => [lineTask(rng, 4), lineTask(rng, 4)],
      onProgress: ({ iteration }) => { if (iteration === 10 || iteration === 1000) counts.push(tf.memory().numTensors); },
    });
    expect(counts).toHaveLength(2);
    expect(counts[1]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before + out.params.length + (out.lrs?.length ?? 0));
    tf.dispose([...init, ...out.params, ...(out.lrs ?? [])]);
  });
});
