/**
 * The head's inner loop written out by hand in plain JS: forward, backward
 * and SGD for the relu MLP `head/dense_*` → `head/out` with the weighted
 * BCE-on-logits or MSE loss, exactly the math of `core/adapt` +
 * `models/recommender` + `core/losses`, in float64.
 *
 * Why: the head is tiny (32→64→64→1 on 50 examples), so TensorFlow.js's
 * op-by-op execution spends most of an adaptation dispatching ~500 kernels
 * rather than computing (see docs/benchmarks.md, issue 5). One pass of
 * tight loops does the same work without dispatch, on any backend, and
 * never touches a GPU for work that small (BROWSER-TESTING.md, defect 6).
 * test/node/sdk/fast-head.test.ts checks it against the tfjs path.
 */

export interface FastAdaptInput {
  /** θ0 in spec order: kernel [in, out], bias [out] per layer, the last layer has 1 unit. */
  readonly theta0: readonly Float32Array[];
  /** Fan-in of each layer (the first is the embedding size). */
  readonly fanIn: readonly number[];
  /** A scalar rate, or Meta-SGD's per-parameter rates shaped like θ0. */
  readonly lr: number | readonly Float32Array[];
  /** Support embeddings, row-major [n, fanIn[0]]. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly w: Float32Array;
  readonly steps: number;
  readonly loss: 'bce' | 'mse';
  /** Prior pseudo-count c: each step is the plain step × Σw / (Σw + c) (core `adapt`'s `priorCount`). Default 0. */
  readonly priorCount?: number;
}

export interface FastAdaptResult {
  readonly params: Float32Array[];
  readonly lossBefore: number;
  readonly lossAfter: number;
  /** The support loss before each step, then after the last (`steps + 1` values; the first is `lossBefore`). */
  readonly losses: number[];
}

const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** out[n, m] = a[n, k] · b[k, m] + bias[m]; relu when asked. */
function dense(a: Float64Array, n: number, k: number, b: Float64Array, bias: Float64Array, m: number, relu: boolean): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) out[row + j] = bias[j]!;
    for (let kk = 0; kk < k; kk++) {
      const v = a[i * k + kk]!;
      if (v === 0) continue;
      const col = kk * m;
      for (let j = 0; j < m; j++) out[row + j]! += v * b[col + j]!;
    }
    if (relu) for (let j = 0; j < m; j++) if (out[row + j]! < 0) out[row + j] = 0;
  }
  return out;
}

/** Activations of every layer for the current params: acts[0] is the input. */
function forward(params: Float64Array[], fanIn: readonly number[], x: Float64Array, n: number): Float64Array[] {
  const layers = params.length / 2;
  const acts = [x];
  for (let l = 0; l < layers; l++) {
    const units = params[2 * l + 1]!.length;
    acts.push(dense(acts[l]!, n, fanIn[l]!, params[2 * l]!, params[2 * l + 1]!, units, l < layers - 1));
  }
  return acts;
}

/** The head's output (a logit or standardized rating) for each of the n rows of `x` (row-major [n, fanIn[0]]). */
export function headOutputs(params: readonly Float32Array[], fanIn: readonly number[], x: Float32Array): Float64Array {
  const n = x.length / fanIn[0]!;
  return forward(params.map((p) => Float64Array.from(p)), fanIn, Float64Array.from(x), n).at(-1)!;
}

/**
 * Weighted mean loss, and the gradient with respect to each prediction of
 * that loss shrunk by Σw / (Σw + priorCount).
 */
function lossAndGrad(pred: Float64Array, y: Float32Array, w: Float32Array, kind: 'bce' | 'mse', priorCount = 0): { loss: number; grad: Float64Array } {
  let total = 0;
  let weights = 0;
  for (let i = 0; i < pred.length; i++) weights += w[i]!;
  const norm = Math.max(weights, 1e-8);
  const gradNorm = Math.max(weights + priorCount, 1e-8);
  const grad = new Float64Array(pred.length);
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i]!;
    const t = y[i]!;
    if (kind === 'bce') {
      total += w[i]! * (softplus(p) - p * t);
      grad[i] = (w[i]! * (sigmoid(p) - t)) / gradNorm;
    } else {
      total += w[i]! * (p - t) * (p - t);
      grad[i] = (2 * w[i]! * (p - t)) / gradNorm;
    }
  }
  return { loss: total / norm, grad };
}

/** One SGD step in place: backpropagates `grad` through the layers and subtracts lr · gradient. */
function step(params: Float64Array[], acts: Float64Array[], fanIn: readonly number[], n: number, grad: Float64Array, lr: number | readonly Float32Array[]): void {
  let g = grad; // dL/d(output of layer l), [n, units]
  for (let l = params.length / 2 - 1; l >= 0; l--) {
    const kernel = params[2 * l]!;
    const bias = params[2 * l + 1]!;
    const k = fanIn[l]!;
    const m = bias.length;
    const input = acts[l]!;
    const dKernel = new Float64Array(k * m);
    const dBias = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) dBias[j]! += g[i * m + j]!;
      for (let kk = 0; kk < k; kk++) {
        const v = input[i * k + kk]!;
        if (v === 0) continue;
        for (let j = 0; j < m; j++) dKernel[kk * m + j]! += v * g[i * m + j]!;
      }
    }
    if (l > 0) {
      // Through the kernel (old values) and the previous layer's relu: zero where its output was zero.
      const prev = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        for (let kk = 0; kk < k; kk++) {
          if (input[i * k + kk]! <= 0) continue;
          let s = 0;
          for (let j = 0; j < m; j++) s += g[i * m + j]! * kernel[kk * m + j]!;
          prev[i * k + kk] = s;
        }
      }
      g = prev;
    }
    update(kernel, dKernel, typeof lr === 'number' ? lr : lr[2 * l]!);
    update(bias, dBias, typeof lr === 'number' ? lr : lr[2 * l + 1]!);
  }
}

function update(param: Float64Array, grad: Float64Array, lr: number | Float32Array): void {
  if (typeof lr === 'number') for (let i = 0; i < param.length; i++) param[i]! -= lr * grad[i]!;
  else for (let i = 0; i < param.length; i++) param[i]! -= lr[i]! * grad[i]!;
}

/** `steps` SGD steps of the head from θ0 on the support; returns the adapted params (float32) and the support loss before and after. */
export function fastAdapt(input: FastAdaptInput): FastAdaptResult {
  const { fanIn, y, w, steps, loss, priorCount = 0 } = input;
  const n = y.length;
  const params = input.theta0.map((p) => Float64Array.from(p));
  const x = Float64Array.from(input.x);
  const before = lossAndGrad(forward(params, fanIn, x, n).at(-1)!, y, w, loss).loss;
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const acts = forward(params, fanIn, x, n);
    const current = lossAndGrad(acts.at(-1)!, y, w, loss, priorCount); // the loss itself does not depend on priorCount
    losses.push(current.loss);
    step(params, acts, fanIn, n, current.grad, input.lr);
  }
  const after = lossAndGrad(forward(params, fanIn, x, n).at(-1)!, y, w, loss).loss;
  losses.push(after);
  return { params: params.map((p) => Float32Array.from(p)), lossBefore: before, lossAfter: after, losses };
}
