import type { Examples } from '../models/feedback.js';
import { fastAdapt, type FastAdaptInput } from './fast-head.js';

/**
 * Safe adaptation: a support set of at least HELDOUT_MIN examples keeps every
 * HELDOUT_EVERY-th example aside; the inner loop runs on the rest, and the
 * visitor's adapted params are used only if that run is not worse than θ0 on
 * the examples it never saw. A loss that fell on the support set but rose on
 * the held-out slice means the steps fitted noise (contradictory events, a
 * too-large rate for this visitor), and θ0 is the safer ranking.
 */
export const HELDOUT_MIN = 8;
export const HELDOUT_EVERY = 4;

/** The held-out losses of θ0 and of the params adapted without the slice. */
export interface HeldOutCheck {
  readonly size: number;
  readonly before: number;
  readonly after: number;
}

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
export function lossOn(host: Omit<FastAdaptInput, 'x' | 'y' | 'w' | 'steps' | 'theta0'>, rowsOf: (items: Int32Array) => Float32Array, examples: Examples, params: readonly Float32Array[]): number {
  return fastAdapt({ ...host, theta0: params, x: rowsOf(examples.items), y: examples.y, w: examples.w, steps: 0 }).lossBefore;
}

/** Passes when the held-out loss is finite and did not grow (1e-6: float noise of equal params). */
export const generalizes = (check: HeldOutCheck): boolean => Number.isFinite(check.after) && check.after <= check.before + 1e-6;
