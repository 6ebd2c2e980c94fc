/** The runtime guard that refuses second-order MAML for models with tape-unsafe ops. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationByName, type Activation } from '../../../src/core/activations.js';
import { mse } from '../../../src/core/losses.js';
import { AttuneError } from '../../../src/errors.js';
import { MetaGradientError, metaTrain, verifyMetaGradient } from '../../../src/meta/index.js';
import { sgd } from '../../../src/core/optim.js';
import { disposeTasks, mlp, randomTask } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function check(act: Activation): number {
  const model = mlp([3, 4, 1], act);
  const params = model.specs.map((spec, i) => tf.randomNormal([...spec.shape], 0, 1, 'float32', 7 + i));
  const task = randomTask(42, 3, 5, 'regression');
  const scaled = { ...task, query: { x: task.query.x, y: tf.mul(task.query.y, 3) } };
  try {
    return verifyMetaGradient(model, params, scaled, { steps: 1, lr: 0.1, loss: mse });
  } finally {
    tf.dispose([...params, scaled.query.y]);
    disposeTasks([task]);
  }
}

describe('verifyMetaGradient', () => {
  it.each(['relu', 'tanh', 'sigmoid', 'elu', 'softplus', 'linear'])("accepts attune's %s and leaks nothing", (name) => {
    const before = tf.memory().numTensors;
    expect(check(activationByName(name))).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses raw tf.tanh with a typed error that names the safe choices', () => {
    let caught: unknown;
    try {
      check((x) => tf.tanh(x));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MetaGradientError);
    expect(caught).toBeInstanceOf(AttuneError);
    expect((caught as AttuneError).code).toBe('meta-gradient-mismatch');
    expect((caught as Error).message).toMatch(/relu, tanh, sigmoid, elu, softplus, linear/);
  });

  it('metaTrain({verify: true}) refuses a raw-tanh model before training and leaks nothing', async () => {
    const model = mlp([3, 4, 1], (x) => tf.tanh(x));
    const params = model.specs.map((spec, i) => tf.randomNormal([...spec.shape], 0, 1, 'float32', 7 + i));
    const before = tf.memory().numTensors;
    const run = (act: 'raw' | 'safe') =>
      metaTrain({
        model: act === 'raw' ? model : mlp([3, 4, 1], activationByName('tanh')), params, algorithm: 'maml', verify: true,
        inner: { steps: 1, lr: 0.1, loss: mse }, outer: sgd(0.01), iterations: 2,
        sampleTasks: () => {
          const t = randomTask(42, 3, 5, 'regression');
          return [{ ...t, query: { x: t.query.x, y: tf.tidy(() => tf.mul(t.query.y, 3)) } }, t];
        },
      });
    await expect(run('raw')).rejects.toThrow(MetaGradientError);
    const out = await run('safe');
    tf.dispose(out.params);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(params);
  });
});
