/** The inner loop's prior pseudo-count: a step on n examples is the plain step × n / (n + c). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adapt } from '../../../src/core/adapt.js';
import { mse } from '../../../src/core/losses.js';
import type { Model } from '../../../src/core/model.js';
import { InvalidInputError } from '../../../src/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** y = x·w + b, so one SGD step has a closed form to compare with. */
const linear: Model<tf.Tensor> = {
  specs: [
    { name: 'w', shape: [2, 1], init: 'zeros', group: 'head' },
    { name: 'b', shape: [1], init: 'zeros', group: 'head' },
  ],
  init: () => [tf.zeros([2, 1]), tf.zeros([1])],
  apply: (p, x) => tf.reshape(tf.add(tf.matMul(x as tf.Tensor2D, p[0] as tf.Tensor2D), p[1] as tf.Tensor), [-1]),
};

function step(n: number, priorCount: number, weights?: number[]): number[] {
  return tf.tidy(() => {
    const x = tf.tensor2d(Array.from({ length: n * 2 }, (_, i) => (i % 3) - 0.5), [n, 2]);
    const y = tf.tensor1d(Array.from({ length: n }, (_, i) => 1 + i));
    const batch = weights ? { x, y, w: tf.tensor1d(weights) } : { x, y };
    const out = adapt(linear, linear.init(0), batch, { steps: 1, lr: 0.1, loss: mse, priorCount });
    return out.flatMap((t) => [...t.dataSync()]);
  });
}

describe('adapt: priorCount', () => {
  it('scales a step on n examples by n / (n + c)', () => {
    const before = tf.memory().numTensors;
    for (const n of [1, 4, 30]) {
      const plain = step(n, 0);
      const shrunk = step(n, 5);
      expect(plain.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      shrunk.forEach((v, i) => expect(v).toBeCloseTo((plain[i] as number) * (n / (n + 5)), 6));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts evidence by the support weights when there are weights', () => {
    const plain = step(2, 0, [3, 1]);
    const shrunk = step(2, 4, [3, 1]);
    shrunk.forEach((v, i) => expect(v).toBeCloseTo((plain[i] as number) * (4 / 8), 6));
  });

  it('rejects a negative or non-finite count', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => step(2, bad)).toThrow(InvalidInputError);
  });
});
