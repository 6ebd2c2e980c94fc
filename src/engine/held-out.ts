import type { Examples } from '../models/feedback.js';
import { fastAdapt, headOutputs, type FastAdaptInput } from './fast-head.js';

/**
 * Safe adaptation: a support set of at least HELDOUT_MIN examples keeps every
 * HELDOUT_EVERY-th example aside; the inner loop runs on the rest, and the
 * visitor's adapted params are used only if that run is not worse than θ0 on
 * the examples it never saw. Worse on the slice while better on the rest
 * means the steps fitted noise (contradictory events, a too-large rate for
 * this visitor), and θ0 is the safer ranking.
 *
 * "Worse" is judged by what the host uses the scores for:
 * - implicit feedback ranks items, so the check compares the held-out
 *   positives' ranking over the held-out negatives (the fraction of
 *   positive–negative pairs in the right order). Comparing the loss instead
 *   rejected most good adaptations: the negatives are mostly impressions of
 *   items the visitor was shown in the departments they browse, and adapting
 *   raises those too, which costs log-loss without changing what ranks first
 *   (docs/reliability.md › Numerics has the measurement);
 * - ratings are predicted as values, so the check compares the loss (squared
 *   error), with slack: the slice is a quarter of a small support set (2 to
 *   5 ratings for 10 to 20), and one unusual rating in it decides a strict
 *   comparison. HELDOUT_LOSS_SLACK was chosen on ML-100K validation users.
 */
export const HELDOUT_MIN = 8;
export const HELDOUT_EVERY = 4;
/**
 * Implicit feedback: held-out events the visitor engaged with (positives)
 * needed before the ranking may veto an adaptation. With one, the verdict
 * rests on a single item's rank among a handful of negatives: a visitor whose
 * few clicks span departments would lose their adaptation to that coin flip.
 */
export const HELDOUT_MIN_POSITIVES = 2;
/**
 * Ratings: the adapted run's held-out loss may be up to this fraction above
 * θ0's before the adaptation is refused. Chosen on ML-100K validation users
 * (`npx tsx bench/held-out-ratings.ts`, a Meta-SGD and a first-order MAML
 * bundle): the strict comparison (0) refused about a third of adaptations at
 * 10 ratings and had the worst MAE of the variants in 5 of 6 cases; 0.5 was
 * never worse than it, best or within 0.002 of the best check variant
 * (0.25, 0.5, 1), and still refuses a run whose held-out error grows by half.
 */
export const HELDOUT_LOSS_SLACK = 0.5;

/** What the held-out slice measured at θ0 and after adapting without it. */
export interface HeldOutCheck {
  /** Examples in the slice. */
  readonly size: number;
  /** `ranking`: fraction of held-out (positive, negative) pairs in the right order, higher is better. `loss`: mean loss, lower is better. */
  readonly metric: 'ranking' | 'loss';
  readonly before: number;
  readonly after: number;
}

type Host = Omit<FastAdaptInput, 'x' | 'y' | 'w' | 'steps' | 'theta0'>;

function subset(support: Examples, keep: (i: number) => boolean): Examples {
  const idx = Array.from(support.items, (_, i) => i).filter(keep);
  return {
    items: Int32Array.from(idx, (i) => support.items[i]!),
    y: Float32Array.from(idx, (i) => support.y[i]!),
    w: Float32Array.from(idx, (i) => support.w[i]!),
  };
}

/** The support set without and with only its held-out slice, or null when it is too small to spare one. */
export function splitHeldOut(support: Examples): { train: Examples; held: Examples } | null {
  if (support.items.length < HELDOUT_MIN) return null;
  const held = (i: number): boolean => i % HELDOUT_EVERY === HELDOUT_EVERY - 1;
  return { train: subset(support, (i) => !held(i)), held: subset(support, held) };
}

/**
 * The weighted loss of `params` on `examples` (the hand-written head's
 * forward pass, float64: the same math as the tfjs loss).
 */
export function lossOn(host: Host, rowsOf: (items: Int32Array) => Float32Array, examples: Examples, params: readonly Float32Array[]): number {
  return fastAdapt({ ...host, theta0: params, x: rowsOf(examples.items), y: examples.y, w: examples.w, steps: 0 }).lossBefore;
}

/**
 * The fraction of (positive, negative) pairs of `examples` that `params`
 * score in the right order (ties count half), or NaN when there is no pair.
 */
export function pairOrder(fanIn: readonly number[], rowsOf: (items: Int32Array) => Float32Array, examples: Examples, params: readonly Float32Array[]): number {
  const scores = headOutputs(params, fanIn, rowsOf(examples.items));
  let right = 0;
  let pairs = 0;
  examples.y.forEach((yi, i) => {
    if (yi <= 0) return;
    examples.y.forEach((yj, j) => {
      if (yj > 0) return;
      pairs++;
      right += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return pairs === 0 ? NaN : right / pairs;
}

/**
 * Measures the held-out slice at θ0 and at `adapted` (params adapted on the
 * rest), or returns undefined when the slice cannot judge: ranking with fewer
 * than HELDOUT_MIN_POSITIVES positives or no negative in it.
 */
export function measureHeldOut(host: Host & { theta0: readonly Float32Array[] }, rowsOf: (items: Int32Array) => Float32Array, held: Examples, adapted: readonly Float32Array[]): HeldOutCheck | undefined {
  const size = held.items.length;
  if (host.loss === 'mse') return { size, metric: 'loss', before: lossOn(host, rowsOf, held, host.theta0), after: lossOn(host, rowsOf, held, adapted) };
  if (held.y.filter((y) => y > 0).length < HELDOUT_MIN_POSITIVES) return undefined;
  const before = pairOrder(host.fanIn, rowsOf, held, host.theta0);
  if (Number.isNaN(before)) return undefined;
  return { size, metric: 'ranking', before, after: pairOrder(host.fanIn, rowsOf, held, adapted) };
}

/**
 * Passes when the held-out measure is finite and not worse than θ0's: for
 * ranking by more than float noise (1e-6), for loss by more than HELDOUT_LOSS_SLACK.
 */
export function generalizes(check: HeldOutCheck): boolean {
  if (!Number.isFinite(check.after)) return false;
  return check.metric === 'ranking' ? check.after >= check.before - 1e-6 : check.after <= check.before * (1 + HELDOUT_LOSS_SLACK) + 1e-6;
}

/** Why a failed check refused the adaptation, in words: "adapting made the ranking of 6 held-out events … worse (pairs in order 0.8 → 0.6)". */
export function refusalReason(check: HeldOutCheck): string {
  const [what, measure] = check.metric === 'ranking' ? ['ranking of', 'pairs in order'] : ['loss on', 'loss'];
  return `adapting made the ${what} ${check.size} held-out events of the visitor worse (${measure} ${check.before.toPrecision(3)} → ${check.after.toPrecision(3)})`;
}
