/**
 * Small dense ridge regressions for matrix factorization: every user (or
 * item) solves an (d+1)×(d+1) system, so plain typed arrays beat any tensor
 * library here.
 */

/**
 * Solves A x = b in place for a symmetric positive definite `a` (n×n,
 * row-major) by Cholesky decomposition; `a` and `b` are overwritten, `b`
 * holds x afterwards. Ridge systems with a positive diagonal are always SPD.
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (a[j * n + k] as number) ** 2;
    const l = Math.sqrt(Math.max(d, 1e-12));
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (a[i * n + k] as number) * (a[j * n + k] as number);
      a[i * n + j] = s / l;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (a[i * n + k] as number) * (b[k] as number);
    b[i] = s / (a[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= (a[k * n + i] as number) * (b[k] as number);
    b[i] = s / (a[i * n + i] as number);
  }
  return b;
}

/**
 * Accumulates a ridge system for one row with bias: features z = [1, f]
 * (f = the other side's `dim` factors at `fAt`), target `t`. Call `reset`,
 * then `add` per observation, then `solve` with the diagonal penalties.
 */
export function createRidge(dim: number): {
  reset(): void;
  add(factors: Float64Array, fAt: number, t: number): void;
  solve(biasPenalty: number, factorPenalty: number): Float64Array;
} {
  const m = dim + 1;
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  return {
    reset: () => (a.fill(0), b.fill(0)),
    add(factors, fAt, t) {
      // z = [1, f]; lower triangle only, since solveSpd reads nothing above the diagonal.
      a[0] = (a[0] as number) + 1;
      b[0] = (b[0] as number) + t;
      for (let i = 1; i < m; i++) {
        const zi = factors[fAt + i - 1] as number;
        const row = i * m;
        b[i] = (b[i] as number) + zi * t;
        a[row] = (a[row] as number) + zi;
        const fi = fAt - 1 - row;
        for (let p = row + 1; p <= row + i; p++) a[p] = (a[p] as number) + zi * (factors[fi + p] as number);
      }
    },
    solve(biasPenalty, factorPenalty) {
      a[0] = (a[0] as number) + biasPenalty;
      for (let i = 1; i < m; i++) a[i * m + i] = (a[i * m + i] as number) + factorPenalty;
      return solveSpd(a, b, m);
    },
  };
}
