/**
 * Index of the first value that is NaN or ±Infinity, or -1 when all are finite.
 *
 * @example
 * firstNonFinite(Float32Array.of(1, Number.NaN)); // 1
 */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
