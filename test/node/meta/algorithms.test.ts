/** Hand-computed values and identities for each algorithm's step. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationByName } from '../../../src/core/activations.js';
import { adapt } from '../../../src/core/adapt.js';
import { mse } from '../../../src/core/losses.js';
import type { Model } from '../../../src/core/model.js';
import { sgd } from '../../../src/core/optim.js';
import type { ParamSpec, Params } from '../../../src/core/params.js';
import { InvalidInputError } from '../../../src/errors.js';
import {
  ALGORITHMS,
  algorithmByName,
  anilStep,
  fomamlStep,
  joinMetaSgd,
  mamlStep,
  metaSgdStep,
  metaSteps,
  reptileStep,
  splitMetaSgd,
  type Task,
} from '../../../src/meta/index.js';
import { disposeTasks, mlp, randomTask } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** f(x) = θ·x with one scalar parameter: every quantity has a closed form. */
const specs: ParamSpec[] = [{ name: 'theta', shape: [1], init: 'zeros', group: 'head' }];
const line: Model<tf.Tensor> = {
  specs,
  init: () => [tf.zeros([1])],
  apply: (p: Params, x: tf.Tensor) => tf.reshape(tf.mul(x, p[0]!), [-1]),
};

/**
 * Support (x=1, y=a=1), query (x=1, y=b=2), θ = 0, one step of lr α = 0.1:
 * L_s = (θ−a)², θ′ = θ − 2α(θ−a) = 0.2; L_q = (θ′−b)², ∂L_q/∂θ′ = 2(θ′−b) = −3.6.
 */
function quadraticTask(): Task<tf.Tensor> {
  return {
    support: { x: tf.tensor2d([[1]]), y: tf.tensor1d([1]) },
    query: { x: tf.tensor2d([[1]]), y: tf.tensor1d([2]) },
  };
}
const inner = { steps: 1, lr: 0.1, loss: mse };

function value(t: tf.Tensor): number {
  return t.dataSync()[0] as number;
}

describe('closed-form meta-gradients on a 1-D quadratic', () => {
  it('first-order MAML: ∂L_q/∂θ′ = 2(θ′ − b) = −3.6', () => {
    const before = tf.memory().numTensors;
    const [theta] = line.init(0);
    const tasks = [quadraticTask()];
    const { grads, loss } = fomamlStep(line, [theta!], tasks, inner);
    expect(value(grads[0]!)).toBeCloseTo(-3.6, 5);
    expect(loss).toBeCloseTo(1.8 ** 2, 5);
    tf.dispose([...grads, theta!]);
    disposeTasks(tasks);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('second-order MAML: −3.6 · dθ′/dθ = −3.6 · (1 − 2α) = −2.88', () => {
    const [theta] = line.init(0);
    const tasks = [quadraticTask()];
    const { grads } = mamlStep(line, [theta!], tasks, inner);
    expect(value(grads[0]!)).toBeCloseTo(-2.88, 5);
    tf.dispose([...grads, theta!]);
    disposeTasks(tasks);
  });

  it('Meta-SGD: ∂L_q/∂α = −3.6 · (−2(θ − a)) = −7.2, and ∂L_q/∂θ = −2.88', () => {
    const [theta] = line.init(0);
    const rate = tf.fill([1], 0.1);
    const tasks = [quadraticTask()];
    const { grads } = metaSgdStep(line, joinMetaSgd({ params: [theta!], lrs: [rate] }), tasks, inner);
    const { params: g, lrs: gl } = splitMetaSgd(grads);
    expect(value(g[0]!)).toBeCloseTo(-2.88, 5);
    expect(value(gl[0]!)).toBeCloseTo(-7.2, 5);
    tf.dispose([...grads, theta!, rate]);
    disposeTasks(tasks);
  });

  it('Reptile: θ − θ′ = 2α(θ − a) = −0.2', () => {
    const [theta] = line.init(0);
    const tasks = [quadraticTask()];
    const { grads } = reptileStep(line, [theta!], tasks, inner);
    expect(value(grads[0]!)).toBeCloseTo(-0.2, 6);
    tf.dispose([...grads, theta!]);
    disposeTasks(tasks);
  });

  it('averages over the meta-batch', () => {
    const [theta] = line.init(0);
    const other: Task<tf.Tensor> = { support: { x: tf.tensor2d([[1]]), y: tf.tensor1d([1]) }, query: { x: tf.tensor2d([[1]]), y: tf.tensor1d([0.2]) } };
    const tasks = [quadraticTask(), other];
    const { grads } = fomamlStep(line, [theta!], tasks, inner);
    expect(value(grads[0]!)).toBeCloseTo((-3.6 + 0) / 2, 5);
    tf.dispose([...grads, theta!]);
    disposeTasks(tasks);
  });
});

describe('identities', () => {
  it('Reptile with outer step size 1 lands exactly on the adapted params', () => {
    const before = tf.memory().numTensors;
    const model = mlp([3, 5, 1], activationByName('tanh'));
    const params = model.init(4);
    const tasks = [randomTask(11, 3, 6, 'regression')];
    const opts = { steps: 4, lr: 0.05, loss: mse };
    const { grads } = reptileStep(model, params, tasks, opts);
    const moved = sgd(1).update(grads, [], params).params;
    const adapted = adapt(model, params, tasks[0]!.support, opts);
    moved.forEach((m, i) => {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(m, adapted[i]!))).dataSync()[0] as number);
      expect(diff).toBeLessThan(1e-6);
    });
    tf.dispose([...grads, ...moved, ...adapted, ...params]);
    disposeTasks(tasks);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ANIL equals MAML with the same head mask; first-order ANIL equals first-order MAML', () => {
    const model = mlp([3, 5, 1], activationByName('relu'));
    const params = model.init(4);
    const tasks = [randomTask(12, 3, 6, 'regression')];
    const masked = { steps: 2, lr: 0.1, loss: mse, mask: [false, false, true, true] };
    const pairs = [
      [anilStep(model, params, tasks, masked), mamlStep(model, params, tasks, masked)],
      [anilStep(model, params, tasks, masked, { firstOrder: true }), fomamlStep(model, params, tasks, masked)],
    ];
    for (const [a, b] of pairs) {
      a!.grads.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(b!.grads[i]!.dataSync())));
      tf.dispose([...a!.grads, ...b!.grads]);
    }
    tf.dispose(params);
    disposeTasks(tasks);
  });

  it('ANIL refuses a missing or trivial mask with a clear error', () => {
    const model = mlp([3, 5, 1], activationByName('relu'));
    const params = model.init(4);
    const tasks = [randomTask(12, 3, 6, 'regression')];
    expect(() => anilStep(model, params, tasks, { steps: 1, lr: 0.1, loss: mse })).toThrow(InvalidInputError);
    expect(() => anilStep(model, params, tasks, { steps: 1, lr: 0.1, loss: mse, mask: [true, true, true, true] })).toThrow(/some params/);
    tf.dispose(params);
    disposeTasks(tasks);
  });

  it('an empty meta-batch is refused', () => {
    const [theta] = line.init(0);
    expect(() => mamlStep(line, [theta!], [], inner)).toThrow(InvalidInputError);
    theta!.dispose();
  });
});

describe('registry', () => {
  it('lists the five algorithms, each with a step', () => {
    expect(ALGORITHMS).toEqual(['maml', 'fomaml', 'reptile', 'metasgd', 'anil']);
    for (const name of ALGORITHMS) expect(typeof metaSteps[name]).toBe('function');
    expect(algorithmByName('reptile')).toBe('reptile');
    expect(() => algorithmByName('protonet')).toThrow(/valid: maml, fomaml, reptile, metasgd, anil/);
  });
});
