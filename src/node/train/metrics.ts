/**
 * nDCG@k of a ranking by `scores` against graded `relevance` (gain 2^rel − 1,
 * MeLU's definition; log2 position discount). Returns null when no item has
 * positive gain (nDCG is undefined there).
 *
 * @example
 * ndcgAt(10, [0.9, 0.1, 0.5], [1, 0, 0]); // 1: the only relevant item ranks first
 */
export function ndcgAt(k: number, scores: ArrayLike<number>, relevance: ArrayLike<number>): number | null {
  const n = scores.length;
  const gain = (i: number): number => 2 ** (relevance[i] as number) - 1;
  const byScore = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const ideal = Array.from({ length: n }, (_, i) => gain(i)).sort((a, b) => b - a);
  let dcg = 0;
  let idcg = 0;
  for (let r = 0; r < Math.min(k, n); r++) {
    dcg += gain(byScore[r] as number) / Math.log2(r + 2);
    idcg += (ideal[r] as number) / Math.log2(r + 2);
  }
  return idcg > 0 ? dcg / idcg : null;
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
