/**
 * The engine-level half of `npm run bench`, bundled by bench/bench.ts and run
 * in headless Chromium: attune's engine (the code the worker runs) against
 * the alternative a developer would write with TensorFlow.js — a
 * `tf.LayersModel` with the same layers, reset to θ0, trained by `fit()` for
 * the same steps and scored with `predict()` — in the same page and run.
 */
import * as tf from '@tensorflow/tfjs';
import { loadBundle, type LoadedBundle } from '../../src/bundle/read.js';
import { createEngine } from '../../src/engine/engine.js';
import type { BackendName } from '../../src/engine/backends.js';
import type { Examples } from '../../src/models/feedback.js';

export interface EngineRun {
  readonly backend: string;
  /** createEngine (backend start + upload) + first adapt + first rank, ms. */
  readonly firstMs: number;
  readonly adaptMs: number[];
  readonly rankMs: number[];
  /** The same adapt with each inner loop forced: hand-written JS, and op by op through tfjs on the backend, ms. */
  readonly jsAdaptMs: number[];
  readonly tfjsAdaptMs: number[];
  /** Kernels one op-by-op adapt dispatches, and the part of its wall time spent inside kernels (tf.profile). */
  readonly kernels: number;
  readonly kernelMs: number;
  readonly profiledMs: number;
}

export interface LayersRun {
  /** The backend the LayersModel ran on (the one attune's engine left running). */
  readonly backend: string;
  readonly firstMs: number;
  readonly fitMs: number[];
  readonly predictMs: number[];
}

/** 50 support examples like a visitor's: 10 clicked items and 40 sampled negatives. */
function support(rows: number): Examples {
  const n = 50;
  return {
    items: Int32Array.from({ length: n }, (_, i) => (i * 7919 + 13) % rows),
    y: Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)),
    w: new Float32Array(n).fill(1),
  };
}

async function engineRun(bundleUrl: string, backend: BackendName, runs: number, wasmPaths: string): Promise<EngineRun> {
  const bundle = await loadBundle(bundleUrl);
  const s = support(bundle.manifest.catalog.ids.length);
  const none = new Set<number>();
  const t0 = performance.now();
  const engine = await createEngine(bundle, { backend: [backend], wasmPaths });
  await engine.adapt(s);
  await engine.top(10, none);
  const firstMs = performance.now() - t0;
  const adaptMs: number[] = [];
  const rankMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    await engine.adapt(s); // new params: the next top() rescores the whole catalog
    const b = performance.now();
    await engine.top(10, none);
    adaptMs.push(b - a);
    rankMs.push(performance.now() - b);
  }
  engine.dispose();
  // Both inner loops on the same backend, to show where the time goes.
  const timeLoop = async (innerLoop: 'js' | 'tfjs') => {
    const e = await createEngine(bundle, { backend: [backend], wasmPaths, innerLoop });
    await e.adapt(s);
    const times: number[] = [];
    for (let i = 0; i < Math.max(5, Math.round(runs / 2)); i++) {
      const a = performance.now();
      await e.adapt(s);
      times.push(performance.now() - a);
    }
    return { e, times };
  };
  const { e: jsEngine, times: jsAdaptMs } = await timeLoop('js');
  jsEngine.dispose();
  const { e: ops, times: tfjsAdaptMs } = await timeLoop('tfjs');
  const p0 = performance.now();
  const profile = await tf.profile(async () => {
    await ops.adapt(s);
    return [];
  });
  const profiledMs = performance.now() - p0;
  const kernelMs = (await Promise.all(profile.kernels.map(async (k) => Number(await k.kernelTimeMs) || 0))).reduce((x, y) => x + y, 0);
  const out = { backend: ops.backend, firstMs, adaptMs, rankMs, jsAdaptMs, tfjsAdaptMs, kernels: profile.kernels.length, kernelMs, profiledMs };
  ops.dispose();
  return out;
}

function headWeights(bundle: LoadedBundle): tf.Tensor[] {
  return bundle.entries.flatMap((e, i) => (e.group === 'head' ? [tf.tensor(bundle.weights[i]!, [...e.shape])] : []));
}

async function layersRun(bundleUrl: string, runs: number): Promise<LayersRun> {
  const bundle = await loadBundle(bundleUrl);
  const { dim, hidden } = bundle.manifest.model;
  const rows = bundle.manifest.catalog.ids.length;
  const s = support(rows);
  const t0 = performance.now();
  const catalog = tf.tensor2d(bundle.embeddings, [rows, dim]);
  const x = tf.gather(catalog, tf.tensor1d(s.items, 'int32'));
  const y = tf.tensor2d(s.y, [s.y.length, 1]);
  const theta0 = headWeights(bundle);
  const model = tf.sequential({
    layers: [
      ...hidden.map((units, i) => tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [dim] } : {}) })),
      tf.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(bundle.manifest.inner.lr), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.sigmoidCrossEntropy(yt, yp) });
  const once = async (fit: number[] | null, predict: number[] | null) => {
    const a = performance.now();
    model.setWeights(theta0); // every visitor's adaptation starts from θ0
    await model.fit(x, y, { epochs: bundle.manifest.inner.steps, batchSize: s.y.length, shuffle: false, verbose: 0 });
    const b = performance.now();
    const scores = model.predict(catalog, { batchSize: rows }) as tf.Tensor;
    await scores.data();
    scores.dispose();
    fit?.push(b - a);
    predict?.push(performance.now() - b);
  };
  await once(null, null);
  const firstMs = performance.now() - t0;
  const fitMs: number[] = [];
  const predictMs: number[] = [];
  for (let i = 0; i < runs; i++) await once(fitMs, predictMs);
  model.dispose();
  tf.dispose([catalog, x, y, ...theta0]);
  return { backend: tf.getBackend(), firstMs, fitMs, predictMs };
}

(globalThis as unknown as { bench: unknown }).bench = { engineRun, layersRun, numTensors: () => tf.memory().numTensors };
