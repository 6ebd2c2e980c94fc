import type { SparseText } from '../text/featurize.js';

/**
 * Class centroids of the sparse TF-IDF vectors, kept as sparse maps. Their
 * cosine to a question is a strong lexical signal that a small dense encoder
 * loses (Larson et al. 2019 and the few-shot literature find TF-IDF centroids
 * hard to beat); the classifier adds it to its logits with a learned weight,
 * so the encoder only has to learn what word overlap misses.
 */
export type SparseCentroids = readonly Map<number, number>[];

/** Unit-norm mean vector per class; `labels[i]` in [0, numClasses). */
export function sparseCentroids(texts: readonly SparseText[], labels: readonly number[], numClasses: number): SparseCentroids {
  const out = Array.from({ length: numClasses }, () => new Map<number, number>());
  texts.forEach((t, n) => {
    const c = out[labels[n] as number] as Map<number, number>;
    for (let i = 0; i < t.ids.length; i++) c.set(t.ids[i] as number, (c.get(t.ids[i] as number) ?? 0) + (t.weights[i] as number));
  });
  for (const c of out) {
    let norm = 0;
    for (const v of c.values()) norm += v * v;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const [k, v] of c) c.set(k, v * inv);
  }
  return out;
}

/** Cosine of each text to each centroid, row-major [texts.length, centroids.length]. */
export function sparsePrior(texts: readonly SparseText[], centroids: SparseCentroids): Float32Array {
  const out = new Float32Array(texts.length * centroids.length);
  texts.forEach((t, n) => {
    centroids.forEach((c, k) => {
      let s = 0;
      for (let i = 0; i < t.ids.length; i++) s += (t.weights[i] as number) * (c.get(t.ids[i] as number) ?? 0);
      out[n * centroids.length + k] = s;
    });
  });
  return out;
}
