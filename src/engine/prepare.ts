import * as tf from '@tensorflow/tfjs';
import { bceWithLogits, mse } from '../core/losses.js';
import type { BackendName } from './backends.js';
import type { WasmPaths } from './wasm-paths.js';
import { loadWasmBackend, loadWebgpuBackend } from './backend-modules.js';

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/**
 * WebGPU is registered only when an adapter exists: without `navigator.gpu`
 * setBackend throws, and without an adapter it returns false after logging a
 * TypeError (BROWSER-TESTING.md defect 5). The backend module loads lazily.
 */
async function prepareWebgpu(): Promise<void> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) throw new Error('navigator.gpu is missing (WebGPU unsupported or disabled)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() found no adapter');
  if (!tf.findBackendFactory('webgpu')) await loadWebgpuBackend();
}

/** Loads the wasm backend module and tells it where its binaries are (before it first initializes). */
async function prepareWasm(paths: WasmPaths | undefined): Promise<void> {
  const wasm = await loadWasmBackend();
  // Paths can only be set before the first initialization; an initialized backend already has them.
  if (paths !== undefined && !tf.findBackend('wasm')) wasm.setWasmPaths(paths as Parameters<typeof wasm.setWasmPaths>[0]);
}

/** Registers what `name` needs before `tf.setBackend(name)`. */
export async function prepareBackend(name: BackendName, wasmPaths: WasmPaths | undefined): Promise<void> {
  if (name === 'webgpu') await prepareWebgpu();
  else if (name === 'wasm') await prepareWasm(wasmPaths);
}

/**
 * Half-float WebGL (common on phones) swallows small SGD updates and makes
 * training diverge (defect 3), so attune refuses it rather than train wrong.
 */
function checkWebglPrecision(): void {
  const env = tf.env();
  if (env.getBool('WEBGL_FORCE_F16_TEXTURES')) throw new Error('WebGL is forced to half-float textures (WEBGL_FORCE_F16_TEXTURES)');
  if (!env.getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) throw new Error('WebGL cannot render to float32 textures; half floats break training');
}

// A tiny problem shaped like the head's inner loop: gather rows, dense + relu, both losses.
const ROWS = [[-0.5, 1, 0.25], [2, 0.25, -0.5]];
const KERNEL = [0.3, -0.2, 0.1];
const BIAS = 0.1;
const Y = [1, 0];
const W = [1, 2];

/** The gradient of the sanity problem, computed in plain JS (rows in gather order [1, 0]). */
function referenceGradient(): number[] {
  const rows = [ROWS[1] as number[], ROWS[0] as number[]];
  const total = W[0]! + W[1]!;
  const grad = [0, 0, 0];
  rows.forEach((row, i) => {
    const z = row.reduce((s, v, j) => s + v * KERNEL[j]!, BIAS);
    if (z <= 0) return; // relu passes no gradient
    const p = z;
    const dLoss = (W[i]! * (1 / (1 + Math.exp(-p)) - Y[i]!) + 2 * W[i]! * (p - Y[i]!)) / total;
    row.forEach((v, j) => (grad[j]! += dLoss * v));
  });
  return grad;
}

/**
 * Runs one small gradient on the fresh backend and compares it with plain JS:
 * catches missing kernels or gradients (defects 4, 8) and broken numerics
 * before any visitor data is trained on.
 */
async function sanityCheck(): Promise<void> {
  const grad = tf.tidy(() => {
    const x = tf.gather(tf.tensor2d(ROWS), tf.tensor1d([1, 0], 'int32'));
    const y = tf.tensor1d(Y);
    const w = tf.tensor1d(W);
    const f = (k: tf.Tensor): tf.Scalar => {
      const pred = tf.reshape(tf.relu(tf.add(tf.matMul(x, k as tf.Tensor2D), BIAS)), [-1]);
      return tf.add(bceWithLogits(pred, y, w), mse(pred, y, w));
    };
    return tf.grad(f)(tf.tensor2d(KERNEL, [3, 1]));
  });
  const got = Array.from(await grad.data());
  grad.dispose();
  const want = referenceGradient();
  const ok = got.length === want.length && got.every((g, i) => Number.isFinite(g) && Math.abs(g - want[i]!) <= 1e-3 * (1 + Math.abs(want[i]!)));
  if (!ok) throw new Error(`numeric sanity check failed: gradient [${got.map((g) => g.toFixed(5))}] vs expected [${want.map((g) => g.toFixed(5))}]`);
}

/** Checks a freshly activated backend can train this kind of model correctly. */
export async function verifyBackend(name: BackendName): Promise<void> {
  if (name === 'webgl') checkWebglPrecision();
  await sanityCheck();
}
