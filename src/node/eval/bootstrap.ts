import { createRng } from '../../core/random.js';
import { InvalidInputError } from '../../errors.js';
import { METRIC_NAMES, type Interval, type MetricName, type UserMetrics } from './types.js';

export interface BootstrapOptions {
  /** Resamples drawn (default 2000). */
  readonly samples?: number;
  /** Seeds the resampling (default 1), so a run reproduces exactly. */
  readonly seed?: number;
  /** Coverage of the interval (default 0.95). */
  readonly confidence?: number;
}

/** Linear interpolation between order statistics (numpy's default quantile). */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (at - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/**
 * The mean of `values` with a percentile bootstrap interval (Efron &
 * Tibshirani 1993): resample the values with replacement `samples` times and
 * take the 2.5th and 97.5th percentiles of the resampled means. The same seed
 * and the same number of values draw the same resamples, so two methods
 * evaluated on the same users are resampled in pairs. No values: NaN with n = 0.
 *
 * @example
 * bootstrapInterval([0.3, 0.5, 0.4, 0.6], { samples: 1000, seed: 1 }); // { mean: 0.45, lo, hi, n: 4 }
 */
export function bootstrapInterval(values: readonly number[], options: BootstrapOptions = {}): Interval {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, n: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  const samples = options.samples ?? 2000;
  const rng = createRng(options.seed ?? 1);
  const means = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let t = 0;
    for (let i = 0; i < n; i++) t += values[rng.int(n)] as number;
    means[s] = t / n;
  }
  means.sort();
  const tail = (1 - (options.confidence ?? 0.95)) / 2;
  return { mean, lo: quantile(means, tail), hi: quantile(means, 1 - tail), n };
}

/**
 * Averages per-user metrics into intervals, one per metric that at least one
 * user has (each metric over the users for which it is defined).
 *
 * @example
 * const byMetric = summarizeMetrics([{ ndcg10: 0.4 }, { ndcg10: 0.6, mae: 0.8 }]);
 */
export function summarizeMetrics(perUser: readonly UserMetrics[], options: BootstrapOptions = {}): Partial<Record<MetricName, Interval>> {
  const out: Partial<Record<MetricName, Interval>> = {};
  for (const name of METRIC_NAMES) {
    const values = perUser.map((m) => m[name]).filter((v): v is number => v !== undefined);
    if (values.length > 0) out[name] = bootstrapInterval(values, options);
  }
  return out;
}

/**
 * The per-user difference a − b on `metric` (users where both have it), as a
 * mean with a paired bootstrap interval: the users are resampled, not the two
 * methods separately. An interval that excludes 0 says one method is better
 * for this population of users at 95%, even where the two methods' own
 * intervals overlap.
 *
 * @example
 * pairedDifference([{ mae: 0.8 }, { mae: 0.6 }], [{ mae: 0.9 }, { mae: 0.7 }], 'mae'); // mean -0.1, lo = hi = -0.1
 */
export function pairedDifference(a: readonly UserMetrics[], b: readonly UserMetrics[], metric: MetricName, options: BootstrapOptions = {}): Interval {
  if (a.length !== b.length) throw new InvalidInputError('b', `must hold the same users as a: ${a.length} users against ${b.length}`);
  const diffs: number[] = [];
  a.forEach((m, i) => {
    const x = m[metric];
    const y = b[i]?.[metric];
    if (x !== undefined && y !== undefined) diffs.push(x - y);
  });
  return bootstrapInterval(diffs, options);
}
