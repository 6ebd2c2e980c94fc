/**
 * Indices of the `k` highest scores, best first, skipping `excluded` rows and
 * non-finite scores. A size-k min-heap: O(n log k), so ranking a 100k catalog
 * does not sort it.
 */
export function topK(scores: Float32Array, k: number, excluded: ReadonlySet<number> = new Set()): number[] {
  const heap: number[] = []; // row indices; heap[0] has the lowest score kept so far
  const less = (a: number, b: number): boolean => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (start: number): void => {
    for (let i = start; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let row = 0; row < scores.length && k > 0; row++) {
    if (excluded.has(row) || !Number.isFinite(scores[row]!)) continue;
    if (heap.length < k) {
      heap.push(row);
      for (let i = heap.length - 1; i > 0 && less(heap[i]!, heap[(i - 1) >> 1]!); i = (i - 1) >> 1) {
        [heap[i], heap[(i - 1) >> 1]] = [heap[(i - 1) >> 1]!, heap[i]!];
      }
    } else if (less(heap[0]!, row)) {
      heap[0] = row;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0));
}
