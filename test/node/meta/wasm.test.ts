/**
 * Meta-training on the wasm backend in Node. wasm has every kernel attune's
 * tape-safe activations and dense layers need, but not the gradient of
 * `tf.gather` (UnsortedSegmentSum; BROWSER-TESTING.md, defect 4), so a model
 * whose params feed `tf.gather` (the recommender's id embedding) cannot be
 * meta-trained there. This file proves both halves.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationByName } from '../../../src/core/activations.js';
import { mse } from '../../../src/core/losses.js';
import { adam } from '../../../src/core/optim.js';
import { mamlStep, metaTrain } from '../../../src/meta/index.js';
import { disposeTasks, lineTask, mlp, randomTask } from './helpers.js';

const require = createRequire(import.meta.url);

beforeAll(async () => {
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('wasm backend', () => {
  it('computes the same second-order MAML gradient as cpu (tanh MLP, 2 inner steps)', async () => {
    const run = () => {
      const model = mlp([3, 6, 1], activationByName('tanh'));
      const params = model.init(5);
      const tasks = [randomTask(21, 3, 6, 'regression'), randomTask(22, 3, 6, 'regression')];
      const { grads } = mamlStep(model, params, tasks, { steps: 2, lr: 0.1, loss: mse });
      const values = grads.map((g) => Array.from(g.dataSync()));
      tf.dispose([...grads, ...params]);
      disposeTasks(tasks);
      return values.flat();
    };
    const onWasm = run();
    await tf.setBackend('cpu');
    const onCpu = run();
    await tf.setBackend('wasm');
    onWasm.forEach((v, i) => expect(Math.abs(v - (onCpu[i] as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(onCpu[i] as number))));
  });

  it('meta-trains a small gather-free model with MAML and Meta-SGD, leaking nothing', async () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const algorithm of ['maml', 'metasgd'] as const) {
      const model = mlp([1, 8, 1], activationByName('tanh'));
      const init = model.init(3);
      const before = tf.memory().numTensors;
      const out = await metaTrain({
        model, params: init, algorithm, inner: { steps: 1, lr: 0.03, loss: mse }, outer: adam(0.01) as never, iterations: 60,
        sampleTasks: (_it, rng) => [lineTask(rng), lineTask(rng)],
      });
      const head = out.losses.slice(0, 10).reduce((a, b) => a + b) / 10;
      const tail = out.losses.slice(-10).reduce((a, b) => a + b) / 10;
      expect(tail).toBeLessThan(head);
      expect(tf.memory().numTensors).toBe(before + out.params.length + (out.lrs?.length ?? 0));
      tf.dispose([...init, ...out.params, ...(out.lrs ?? [])]);
    }
  });

  it('cannot differentiate tf.gather (why the full recommender trains on cpu)', () => {
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const ids = tf.tensor1d([0, 2, 2], 'int32');
    expect(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(table)).toThrow(/UnsortedSegmentSum/);
    // The gather-free equivalent (one-hot rows times the table) trains fine on wasm.
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.matMul(tf.oneHot(ids, 3).toFloat(), t as tf.Tensor2D)))(table));
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0, 2, 2]);
    tf.dispose([table, ids, g]);
  });
});
