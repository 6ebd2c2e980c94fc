import type { SparseText } from '../text/featurize.js';

/**
 * The shop's classifier head: multinomial logistic regression over the
 * question's sparse TF-IDF features joined with the frozen encoder's
 * embedding (scaled by `embeddingWeight`). Plain JS over typed arrays, no
 * tensors, so the same code fits and scores in Node and in every browser.
 * With `embeddingWeight` 0 it is TF-IDF logistic regression, the few-shot
 * baseline that the prototype head lost to (issue 7).
 */
export interface HybridInput {
  readonly sparse: SparseText;
  /** The encoder's unit-norm embedding; may be empty when `embeddingWeight` is 0. */
  readonly dense: Float32Array;
}

export interface HybridHeadOptions {
  /** Full-batch gradient steps over the support set. */
  readonly epochs: number;
  readonly lr: number;
  /** L2 penalty on the weights (not the biases). */
  readonly l2: number;
  /** Heavy-ball momentum; 0 is plain gradient descent. */
  readonly momentum: number;
  /** Scale of the embedding next to the unit-norm TF-IDF vector; 0 leaves the encoder out. */
  readonly embeddingWeight: number;
}

/**
 * Defaults, chosen on BANKING77 *training* questions (support and queries
 * both drawn from the train split; docs/intents.md). Momentum 0.5 reaches in
 * 100 steps the loss plain descent needs about 300 for.
 */
export const HYBRID_HEAD: HybridHeadOptions = { epochs: 100, lr: 20, l2: 1e-5, momentum: 0.5, embeddingWeight: 0 };

export interface HybridHead {
  readonly numClasses: number;
  /** Logits [numClasses] for one question. */
  scores(x: HybridInput): Float32Array;
}

/**
 * A question as rows of the weight matrix: one row per sparse feature seen in
 * the support set (features only queries have get weight 0 and are dropped),
 * then one per embedding dimension (stored as -1 - d).
 */
interface Rows {
  readonly ids: Int32Array;
  readonly values: Float32Array;
}

function toRows(x: HybridInput, vocab: Map<number, number>, alpha: number, grow: boolean): Rows {
  const ids: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < x.sparse.ids.length; i++) {
    const bucket = x.sparse.ids[i] as number;
    let row = vocab.get(bucket);
    if (row === undefined && grow) vocab.set(bucket, (row = vocab.size));
    if (row !== undefined) (ids.push(row), values.push(x.sparse.weights[i] as number));
  }
  if (alpha !== 0) x.dense.forEach((v, d) => (ids.push(-1 - d), values.push(alpha * v)));
  return { ids: Int32Array.from(ids), values: Float32Array.from(values) };
}

/** out = b + xᵀW; W is row-major [rows, k], dense rows after `denseOffset`. */
function logits(x: Rows, w: Float32Array, b: Float32Array, k: number, denseOffset: number, out: Float32Array): void {
  out.set(b);
  for (let i = 0; i < x.ids.length; i++) {
    const id = x.ids[i] as number;
    const off = (id >= 0 ? id : denseOffset - 1 - id) * k;
    const v = x.values[i] as number;
    for (let c = 0; c < k; c++) out[c] = (out[c] as number) + v * (w[off + c] as number);
  }
}

/** Adds x ⊗ (softmax(logits) - onehot(y)) to the gradient; `p` holds the logits on entry. */
function accumulate(x: Rows, y: number, p: Float32Array, g: Float32Array, gb: Float32Array, k: number, denseOffset: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, p[c] as number);
  let z = 0;
  for (let c = 0; c < k; c++) z += p[c] = Math.exp((p[c] as number) - max);
  for (let c = 0; c < k; c++) {
    p[c] = (p[c] as number) / z - (c === y ? 1 : 0);
    gb[c] = (gb[c] as number) + (p[c] as number);
  }
  for (let i = 0; i < x.ids.length; i++) {
    const id = x.ids[i] as number;
    const off = (id >= 0 ? id : denseOffset - 1 - id) * k;
    const v = x.values[i] as number;
    for (let c = 0; c < k; c++) g[off + c] = (g[off + c] as number) + v * (p[c] as number);
  }
}

/** The `dense` input of a text when the head does not use the encoder's embedding. */
export const NO_EMBEDDING = new Float32Array(0);

/**
 * Fits the head on the support set (`ys[i]` in [0, numClasses)) from zero
 * weights: full-batch gradient descent with heavy-ball momentum on the mean
 * cross-entropy plus `l2`·‖W‖²/2. Deterministic. Cost per epoch is
 * O(support non-zeros × classes), a few ms for a typical shop.
 */
export function fitHybridHead(xs: readonly HybridInput[], ys: readonly number[], numClasses: number, options: HybridHeadOptions = HYBRID_HEAD): HybridHead {
  const epochs = fitEpochs(xs, ys, numClasses, options);
  for (;;) {
    const next = epochs.next();
    if (next.done) return next.value;
  }
}

/**
 * The same fit as `fitHybridHead` (identical weights), pausing for the event
 * loop whenever it has run `sliceMs` without one: a big shop's refit (77
 * intents × 10 examples take seconds) must not freeze the page.
 */
export async function fitHybridHeadAsync(xs: readonly HybridInput[], ys: readonly number[], numClasses: number, options: HybridHeadOptions = HYBRID_HEAD, sliceMs = 10): Promise<HybridHead> {
  const epochs = fitEpochs(xs, ys, numClasses, options);
  let since = performance.now();
  for (;;) {
    const next = epochs.next();
    if (next.done) return next.value;
    if (performance.now() - since > sliceMs) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    }
  }
}

/** The fit, one epoch per step. */
function* fitEpochs(xs: readonly HybridInput[], ys: readonly number[], numClasses: number, options: HybridHeadOptions): Generator<void, HybridHead> {
  const { epochs, lr, l2, momentum, embeddingWeight: alpha } = options;
  const k = numClasses;
  const vocab = new Map<number, number>();
  const rows = xs.map((x) => toRows(x, vocab, alpha, true));
  const denseOffset = vocab.size;
  const dim = alpha !== 0 ? (xs[0]?.dense.length ?? 0) : 0;
  const w = new Float32Array((denseOffset + dim) * k);
  const b = new Float32Array(k);
  const g = new Float32Array(w.length);
  const gb = new Float32Array(k);
  const vw = new Float32Array(w.length);
  const vb = new Float32Array(k);
  const p = new Float32Array(k);
  const step = lr / Math.max(1, xs.length);
  for (let epoch = 0; epoch < epochs; epoch++) {
    g.fill(0);
    gb.fill(0);
    rows.forEach((x, n) => {
      logits(x, w, b, k, denseOffset, p);
      accumulate(x, ys[n] as number, p, g, gb, k, denseOffset);
    });
    for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) - (vw[j] = momentum * (vw[j] as number) + step * (g[j] as number) + lr * l2 * (w[j] as number));
    for (let c = 0; c < k; c++) b[c] = (b[c] as number) - (vb[c] = momentum * (vb[c] as number) + step * (gb[c] as number));
    yield;
  }
  return {
    numClasses: k,
    scores: (x) => {
      const out = new Float32Array(k);
      logits(toRows(x, vocab, alpha, false), w, b, k, denseOffset, out);
      return out;
    },
  };
}

/** Softmax of `logits` into a new array (max-shifted, so large logits do not overflow). */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const out = logits.map((v) => Math.exp(v - max));
  let z = 0;
  for (const v of out) z += v;
  return out.map((v) => v / z);
}
