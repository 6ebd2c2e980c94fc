/** The functional optimizers against tf.train's stateful ones, step for step. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adam, optimizerByName, sgd, type Optimizer } from '../../../src/core/optim.js';
import { InvalidInputError } from '../../../src/errors.js';

const STEPS = 12;
const TOL = 1e-5;

/** A small non-quadratic objective of two tensors, so steps differ from each other. */
function objective(w: tf.Tensor, b: tf.Tensor): tf.Scalar {
  const x = tf.tensor2d([[1, -2], [0.5, 3], [-1, 1]]);
  const y = tf.tensor1d([0.3, -1, 2]);
  const pred = tf.reshape(tf.add(tf.matMul(x, tf.reshape(w, [2, 1])), b), [-1]);
  return tf.add(tf.mean(tf.square(tf.sub(pred, y))), tf.mul(0.1, tf.sum(tf.pow(w, 4)))) as tf.Scalar;
}

const W0 = [0.7, -0.4];
const B0 = [0.2];

function runFunctional<S>(opt: Optimizer<S>): number[] {
  let params: tf.Tensor[] = [tf.tensor1d(W0), tf.tensor1d(B0)];
  let state = opt.init(params);
  for (let i = 0; i < STEPS; i++) {
    const grads = tf.tidy(() => tf.grads((w: tf.Tensor, b: tf.Tensor) => objective(w, b))(params));
    const next = opt.update(grads, state, params);
    tf.dispose([...grads, ...params]);
    if (next.state !== state) opt.disposeState(state);
    params = next.params;
    state = next.state;
  }
  opt.disposeState(state);
  const out = [...params[0]!.dataSync(), ...params[1]!.dataSync()];
  tf.dispose(params);
  return out;
}

function runTfTrain(opt: tf.Optimizer): number[] {
  // tf.variable(init) never disposes `init` (BROWSER-TESTING.md, defect 7).
  const inits = [tf.tensor1d(W0), tf.tensor1d(B0)];
  const w = tf.variable(inits[0]!);
  const b = tf.variable(inits[1]!);
  tf.dispose(inits);
  for (let i = 0; i < STEPS; i++) tf.tidy(() => { opt.minimize(() => objective(w, b), false, [w, b]); });
  const out = [...w.dataSync(), ...b.dataSync()];
  opt.dispose();
  tf.dispose([w, b]);
  return out;
}

function expectClose(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - (b[i] as number))).toBeLessThan(TOL));
}

describe('functional optimizers match tf.train', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it(`sgd equals tf.train.sgd after ${STEPS} steps`, () => {
    const before = tf.memory().numTensors;
    const ours = runFunctional(sgd(0.05));
    expectClose(ours, runTfTrain(tf.train.sgd(0.05)));
    expect(ours).not.toEqual([...W0, ...B0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it(`adam equals tf.train.adam with an explicit epsilon after ${STEPS} steps`, () => {
    const before = tf.memory().numTensors;
    const ours = runFunctional(adam(0.05, { beta1: 0.8, beta2: 0.99, epsilon: 1e-3 }));
    expectClose(ours, runTfTrain(tf.train.adam(0.05, 0.8, 0.99, 1e-3)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the epsilon matters (the comparison can fail)', () => {
    const a = runFunctional(adam(0.05, { epsilon: 1e-1 }));
    const b = runTfTrain(tf.train.adam(0.05, 0.9, 0.999, 1e-7));
    expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))))).toBeGreaterThan(1e-3);
  });

  it('optimizerByName knows sgd and adam and lists them otherwise', () => {
    expect(optimizerByName('sgd', 0.1).name).toBe('sgd');
    expect(optimizerByName('adam', 0.1).name).toBe('adam');
    expect(() => optimizerByName('rmsprop', 0.1)).toThrow(InvalidInputError);
    expect(() => optimizerByName('rmsprop', 0.1)).toThrow(/valid: sgd, adam/);
  });
});
