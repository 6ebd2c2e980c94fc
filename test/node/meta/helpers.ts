import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../../src/core/activations.js';
import type { Model } from '../../../src/core/model.js';
import { initParams, type ParamSpec, type Params } from '../../../src/core/params.js';
import { createRng, type Rng } from '../../../src/core/random.js';
import type { Task } from '../../../src/meta/types.js';

/** A small MLP `sizes[0] → … → sizes[last]`; one output is reshaped to [n], several stay [n, C]. */
export function mlp(sizes: readonly number[], act: Activation): Model<tf.Tensor> {
  const specs: ParamSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    specs.push({ name: `dense_${i}/kernel`, shape: [sizes[i] as number, sizes[i + 1] as number], init: 'glorot', group: i + 2 < sizes.length ? 'body' : 'head' });
    specs.push({ name: `dense_${i}/bias`, shape: [sizes[i + 1] as number], init: 'normal', group: i + 2 < sizes.length ? 'body' : 'head' });
  }
  const out = sizes[sizes.length - 1] as number;
  return {
    specs,
    init: (seed) => initParams(specs, seed),
    apply: (p: Params, x: tf.Tensor) => {
      let h = x;
      const layers = p.length / 2;
      for (let i = 0; i < layers; i++) {
        h = tf.add(tf.matMul(h as tf.Tensor2D, p[2 * i] as tf.Tensor2D), p[2 * i + 1] as tf.Tensor);
        if (i < layers - 1) h = act(h);
      }
      return out === 1 ? tf.reshape(h, [-1]) : h;
    },
  };
}

export type Target = 'regression' | 'binary' | 'classes';

/** A random task with `n` support and `n` query rows; targets suit the loss. */
export function randomTask(seed: number, inDim: number, n: number, target: Target, classes = 3): Task<tf.Tensor> {
  const rng = createRng(seed);
  const batch = () => {
    const x = tf.tensor2d(Array.from({ length: n * inDim }, () => rng.normal() * 1.5), [n, inDim]);
    if (target === 'regression') return { x, y: tf.tensor1d(Array.from({ length: n }, () => rng.normal())) };
    if (target === 'binary') return { x, y: tf.tensor1d(Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0))) };
    const labels = Array.from({ length: n }, () => rng.int(classes));
    return { x, y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat()) };
  };
  return { support: batch(), query: batch() };
}

export function disposeTasks(tasks: readonly Task<tf.Tensor>[]): void {
  tf.dispose(tasks as unknown as tf.TensorContainer);
}

/**
 * Central finite differences of `f` at `params` for a few coordinates per
 * tensor (chosen by `seed`). Returns the chosen flat indices per tensor and
 * the estimates.
 */
export function finiteDiff(
  f: (params: tf.Tensor[]) => number,
  params: Params,
  { eps = 3e-3, perTensor = 3, seed = 1 } = {},
): { index: number[][]; fd: number[][] } {
  const rng = createRng(seed);
  const values = params.map((p) => p.dataSync() as Float32Array);
  const index = params.map((p) => {
    const picks = new Set<number>();
    while (picks.size < Math.min(perTensor, p.size)) picks.add(rng.int(p.size));
    return [...picks];
  });
  const evalAt = (t: number, k: number, delta: number): number => {
    const shifted = Float32Array.from(values[t] as Float32Array);
    shifted[k] = (shifted[k] as number) + delta;
    const trial = params.map((p, i) => (i === t ? tf.tensor(shifted, p.shape) : p));
    try {
      return tf.tidy(() => f(trial));
    } finally {
      (trial[t] as tf.Tensor).dispose();
    }
  };
  const fd = index.map((ks, t) => ks.map((k) => (evalAt(t, k, eps) - evalAt(t, k, -eps)) / (2 * eps)));
  return { index, fd };
}

/** ‖g − fd‖ / max(‖fd‖, floor) over the sampled coordinates. */
export function relativeError(grads: readonly tf.Tensor[], index: number[][], fd: number[][], floor = 1e-3): number {
  let diff = 0;
  let norm = 0;
  index.forEach((ks, t) => {
    const g = (grads[t] as tf.Tensor).dataSync();
    ks.forEach((k, j) => {
      const ref = (fd[t] as number[])[j] as number;
      diff += ((g[k] as number) - ref) ** 2;
      norm += ref ** 2;
    });
  });
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), floor);
}

/** Mean of `f(task)` over tasks, as a number. */
export function meanOver<T>(tasks: readonly T[], f: (task: T) => tf.Scalar): number {
  let total = 0;
  for (const t of tasks) total += tf.tidy(() => f(t).dataSync()[0] as number);
  return total / tasks.length;
}

/** Tasks y = a·x + b with a ∈ [−2, 2], b ∈ [−1, 1]: a family an init can learn to adapt to fast. */
export function lineTask(rng: Rng, n = 8): Task<tf.Tensor> {
  const a = 4 * rng.next() - 2;
  const b = 2 * rng.next() - 1;
  const batch = () => {
    const xs = Array.from({ length: n }, () => 4 * rng.next() - 2);
    return { x: tf.tensor2d(xs, [n, 1]), y: tf.tensor1d(xs.map((x) => a * x + b)) };
  };
  return { support: batch(), query: batch() };
}
