/** The inner loop against a hand-written SGD loop, plus its ownership rules. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationByName, ACTIVATION_NAMES, exp, logSoftmax, sigmoid, softmax, tanh, elu } from '../../../src/core/activations.js';
import { adapt } from '../../../src/core/adapt.js';
import { bceWithLogits, lossByName, mse, softmaxCrossEntropy } from '../../../src/core/losses.js';
import { InvalidInputError } from '../../../src/errors.js';
import { mlp, randomTask } from '../meta/helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('adapt', () => {
  it('equals a hand-written SGD loop (3 steps, tanh MLP, MSE)', () => {
    const before = tf.memory().numTensors;
    const model = mlp([3, 4, 1], tanh);
    const params = model.init(1);
    const task = randomTask(2, 3, 6, 'regression');
    const adapted = adapt(model, params, task.support, { steps: 3, lr: 0.05, loss: mse });
    let manual = params.map((p) => tf.clone(p));
    for (let s = 0; s < 3; s++) {
      const next = tf.tidy(() => {
        const g = tf.grads((...p: tf.Tensor[]) => mse(model.apply(p, task.support.x), task.support.y))(manual);
        return manual.map((p, i) => tf.sub(p, tf.mul(0.05, g[i]!)));
      });
      tf.dispose(manual);
      manual = next;
    }
    adapted.forEach((a, i) => expect(maxDiff(a, manual[i]!)).toBeLessThan(1e-6));
    expect(maxDiff(adapted[0]!, params[0]!)).toBeGreaterThan(1e-4);
    tf.dispose([...adapted, ...manual, ...params]);
    tf.dispose(task as unknown as tf.TensorContainer);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps masked-out params, applies per-parameter rates, and does not dispose its inputs', () => {
    const model = mlp([3, 4, 1], tanh);
    const params = model.init(1);
    const task = randomTask(3, 3, 6, 'regression');
    const lrs = params.map((p, i) => tf.fill(p.shape, i === 2 ? 0 : 0.1));
    const adapted = adapt(model, params, task.support, { steps: 2, lr: lrs, mask: [true, true, true, false], loss: mse });
    expect(maxDiff(adapted[3]!, params[3]!)).toBe(0); // masked out
    expect(maxDiff(adapted[2]!, params[2]!)).toBe(0); // rate 0
    expect(maxDiff(adapted[0]!, params[0]!)).toBeGreaterThan(1e-4);
    expect(adapted.every((a, i) => a !== params[i])).toBe(true);
    expect(params.every((p) => !p.isDisposed)).toBe(true);
    tf.dispose([...adapted, ...params, ...lrs]);
    tf.dispose(task as unknown as tf.TensorContainer);
  });

  it('rejects a wrong mask, rate list or step count with InvalidInputError', () => {
    const model = mlp([3, 4, 1], tanh);
    const params = model.init(1);
    const task = randomTask(3, 3, 6, 'regression');
    expect(() => adapt(model, params, task.support, { steps: 1, lr: 0.1, mask: [true], loss: mse })).toThrow(InvalidInputError);
    expect(() => adapt(model, params, task.support, { steps: 1, lr: [params[0]!], loss: mse })).toThrow(InvalidInputError);
    expect(() => adapt(model, params, task.support, { steps: -1, lr: 0.1, loss: mse })).toThrow(InvalidInputError);
    tf.dispose(params);
    tf.dispose(task as unknown as tf.TensorContainer);
  });
});

describe('tape-safe activations and losses equal the tfjs ones in value', () => {
  const x = () => tf.tensor2d([[-30, -2.5, -0.3, 0, 0.4, 3, 30], [1, 2, 3, 4, 5, 6, 7]]);
  it.each([
    ['exp', (t: tf.Tensor) => exp(tf.minimum(t, 10)), (t: tf.Tensor) => tf.exp(tf.minimum(t, 10))],
    ['sigmoid', sigmoid, tf.sigmoid],
    ['tanh', tanh, tf.tanh],
    ['elu', elu, tf.elu],
    ['logSoftmax', logSoftmax, (t: tf.Tensor) => tf.logSoftmax(t)],
    ['softmax', softmax, (t: tf.Tensor) => tf.softmax(t)],
  ] as const)('%s', (_name, ours, theirs) => {
    const diff = tf.tidy(() => {
      const a = ours(x());
      const b = theirs(x());
      return tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1))).dataSync()[0] as number;
    });
    expect(diff).toBeLessThan(1e-6);
  });

  it('losses match tfjs (mse, sigmoid cross-entropy, softmax cross-entropy)', () => {
    const vals = tf.tidy(() => {
      const logits = tf.tensor2d([[2, -1, 0.5], [0.1, 0.2, -3]]);
      const onehot = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
      const p = tf.tensor1d([0.5, -2, 3]);
      const z = tf.tensor1d([1, 0, 1]);
      return [
        mse(p, z).dataSync()[0]! - tf.losses.meanSquaredError(z, p).dataSync()[0]!,
        bceWithLogits(p, z).dataSync()[0]! - tf.losses.sigmoidCrossEntropy(z, p).dataSync()[0]!,
        softmaxCrossEntropy(logits, onehot).dataSync()[0]! - tf.losses.softmaxCrossEntropy(onehot, logits).dataSync()[0]!,
      ];
    });
    vals.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-5));
  });

  it('registries list valid names in their errors', () => {
    expect(ACTIVATION_NAMES).toEqual(['relu', 'tanh', 'sigmoid', 'elu', 'softplus', 'linear']);
    expect(() => activationByName('gelu')).toThrow(/valid: relu, tanh, sigmoid, elu, softplus, linear/);
    expect(() => lossByName('hinge')).toThrow(/valid: mse, bce, softmax/);
  });
});
