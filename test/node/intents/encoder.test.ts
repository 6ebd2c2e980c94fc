import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURIZER, featurize } from 'attune';
import { encode, embeddingBag, initEncoder, toSparseBatch, disposeSparseBatch } from '../../../src/models/intent.js';
import { fitHead, prototypes } from '../../../src/models/intent-head.js';

const config = { featurizer: { ...DEFAULT_FEATURIZER, buckets: 1 << 10 }, rows: 256, dim: 8, hidden: 16 };
const texts = ['where is my card', 'top up failed', 'change my pin', ''].map((t) => featurize(t, config.featurizer));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Reference bag: dense multi-hot [n, rows] times the table, through plain tfjs ops. */
function denseBag(e: tf.Tensor2D): tf.Tensor2D {
  const x = new Float32Array(texts.length * config.rows);
  texts.forEach((t, i) => t.ids.forEach((b, k) => {
    const at = i * config.rows + (b & (config.rows - 1));
    x[at] = (x[at] as number) + (t.weights[k] as number);
  }));
  return tf.tidy(() => tf.matMul(tf.tensor2d(x, [texts.length, config.rows]), e));
}

describe('intent encoder', () => {
  it('embedding bag matches a dense reference in value and gradient, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const all = initEncoder(config, 3);
    const e = all[0] as tf.Tensor2D;
    const batch = toSparseBatch(texts);
    const probe = tf.randomNormal([texts.length, config.dim], 0, 1, 'float32', 1);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingBag(t as tf.Tensor2D, batch), probe)));
    const ref = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(denseBag(t as tf.Tensor2D), probe)));
    const [v1, v2] = [embeddingBag(e, batch), denseBag(e)];
    expect(Array.from(v1.dataSync())).toEqual(Array.from(v2.dataSync()).map((v) => expect.closeTo(v, 5)));
    const [g1, g2] = [ours(e), ref(e)];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g1, g2))).dataSync()[0] as number);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([...all, probe, v1, v2, g1, g2]);
    disposeSparseBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('encodes to unit-norm rows (zero for empty text) and fits a prototype head', () => {
    const before = tf.memory().numTensors;
    const params = initEncoder(config, 1);
    const batch = toSparseBatch(texts);
    const z = encode(params, batch);
    const norms = tf.tidy(() => Array.from(tf.norm(z, 'euclidean', 1).dataSync()));
    expect(norms.slice(0, 3).map((n) => Math.abs(n - 1) < 1e-4)).toEqual([true, true, true]);
    expect(norms[3]).toBeLessThan(1e-3);
    const z3 = z.slice([0, 0], [3, -1]) as tf.Tensor2D;
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 3).toFloat() as tf.Tensor2D);
    const protos = prototypes(z3, oneHot);
    const [kernel, bias] = fitHead({ z: z3 }, oneHot, { steps: 5, lr: 0.02, scalars: { scale: 10, priorWeight: 0 } });
    // Support examples classify as their own class after prototype init + refinement.
    const pred = tf.tidy(() => Array.from(tf.argMax(tf.add(tf.matMul(z3, kernel as tf.Tensor2D, false, true), bias as tf.Tensor), 1).dataSync()));
    expect(pred).toEqual([0, 1, 2]);
    tf.dispose([...params, z, z3, oneHot, protos, kernel as tf.Tensor, bias as tf.Tensor]);
    disposeSparseBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });
});
