import type { SparseText } from '../../text/featurize.js';

/**
 * Baselines on the featurizer's sparse TF-IDF vectors, in plain JS (no
 * tensors): nearest centroid and softmax regression trained from scratch.
 * They answer "what does the encoder add over the features alone?".
 */

export interface SparseClassifier {
  /**
   * Scores per class for one text, [numClasses].
   *
   * @example
   * const scores = clf.scores(featurize('refund please', DEFAULT_FEATURIZER));
   * const best = scores.indexOf(Math.max(...scores));
   */
  scores(x: SparseText): Float32Array;
}

function dotDense(x: SparseText, w: Float32Array, offset: number): number {
  let s = 0;
  for (let i = 0; i < x.ids.length; i++) s += (x.weights[i] as number) * (w[offset + (x.ids[i] as number)] as number);
  return s;
}

/**
 * Cosine nearest centroid: class centroids of L2-normalized vectors, renormalized.
 *
 * @example
 * const clf = nearestCentroid(xs, ys, 77, DEFAULT_FEATURIZER.buckets);
 */
export function nearestCentroid(xs: readonly SparseText[], ys: readonly number[], numClasses: number, buckets: number): SparseClassifier {
  const c = new Float32Array(numClasses * buckets);
  xs.forEach((x, n) => {
    const off = (ys[n] as number) * buckets;
    for (let i = 0; i < x.ids.length; i++) c[off + (x.ids[i] as number)] = (c[off + (x.ids[i] as number)] as number) + (x.weights[i] as number);
  });
  for (let k = 0; k < numClasses; k++) {
    let norm = 0;
    for (let j = 0; j < buckets; j++) norm += (c[k * buckets + j] as number) ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < buckets; j++) c[k * buckets + j] = (c[k * buckets + j] as number) * inv;
  }
  return { scores: (x) => Float32Array.from({ length: numClasses }, (_, k) => dotDense(x, c, k * buckets)) };
}

export interface LogRegOptions {
  readonly epochs?: number;
  readonly lr?: number;
  /** L2 penalty on the weights. */
  readonly l2?: number;
  readonly seed?: number;
}

/**
 * Multinomial logistic regression from zero weights, full-batch gradient
 * descent with an L2 penalty (the support sets are a few hundred rows, so
 * full batches are cheap and deterministic).
 *
 * @example
 * const clf = logisticRegression(xs, ys, 77, DEFAULT_FEATURIZER.buckets, { epochs: 50 });
 */
export function logisticRegression(xs: readonly SparseText[], ys: readonly number[], numClasses: number, buckets: number, options: LogRegOptions = {}): SparseClassifier {
  const { epochs = 100, lr = 5, l2 = 1e-4 } = options;
  const w = new Float32Array(numClasses * buckets);
  const b = new Float32Array(numClasses);
  const probs = new Float32Array(numClasses);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gw = new Float32Array(numClasses * buckets);
    const gb = new Float32Array(numClasses);
    xs.forEach((x, n) => {
      let max = -Infinity;
      for (let k = 0; k < numClasses; k++) {
        probs[k] = dotDense(x, w, k * buckets) + (b[k] as number);
        max = Math.max(max, probs[k] as number);
      }
      let z = 0;
      for (let k = 0; k < numClasses; k++) z += probs[k] = Math.exp((probs[k] as number) - max);
      for (let k = 0; k < numClasses; k++) {
        const g = (probs[k] as number) / z - (k === ys[n] ? 1 : 0);
        gb[k] = (gb[k] as number) + g;
        const off = k * buckets;
        for (let i = 0; i < x.ids.length; i++) gw[off + (x.ids[i] as number)] = (gw[off + (x.ids[i] as number)] as number) + g * (x.weights[i] as number);
      }
    });
    const scale = lr / xs.length;
    for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) * (1 - lr * l2) - scale * (gw[j] as number);
    for (let k = 0; k < numClasses; k++) b[k] = (b[k] as number) - scale * (gb[k] as number);
  }
  return { scores: (x) => Float32Array.from({ length: numClasses }, (_, k) => dotDense(x, w, k * buckets) + (b[k] as number)) };
}

/** Index of the largest score. */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < scores.length; k++) if ((scores[k] as number) > (scores[best] as number)) best = k;
  return best;
}
