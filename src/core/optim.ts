import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors.js';
import type { Params } from './params.js';

/**
 * A functional optimizer (optax style): `init` makes the state for a set of
 * parameters, `update` maps (grads, state, params) to new params and state.
 * Pure: inputs are not disposed; the caller owns what is returned and should
 * dispose the previous params/state it no longer needs.
 */
export interface Optimizer<S = tf.Tensor[]> {
  /** The optimizer's name (`'sgd'`, `'adam'`). */
  readonly name: string;
  /**
   * The initial state for these params.
   *
   * @example
   * const state = opt.init(params);
   */
  init(params: Params): S;
  /**
   * New params and state after one step; inputs are not disposed.
   *
   * @example
   * const { params: next, state: nextState } = opt.update(grads, state, params);
   */
  update(
    grads: Params,
    state: S,
    params: Params,
  ): {
    /** The updated params (new tensors). */
    params: tf.Tensor[];
    /** The updated state. */
    state: S;
  };
  /**
   * Frees the state's tensors.
   *
   * @example
   * opt.disposeState(state);
   */
  disposeState(state: S): void;
}

/**
 * Plain gradient descent: params ← params − lr·grads. Stateless.
 *
 * @example
 * const opt = sgd(0.1);
 * const { params: next } = opt.update(grads, opt.init(params), params);
 */
export function sgd(lr: number): Optimizer<tf.Tensor[]> {
  return {
    name: 'sgd',
    init: () => [],
    update: (grads, state, params) => ({
      params: tf.tidy(() => params.map((p, i) => tf.sub(p, tf.mul(lr, grads[i] as tf.Tensor)))),
      state,
    }),
    disposeState: () => undefined,
  };
}

export interface AdamState {
  step: number;
  m: tf.Tensor[];
  v: tf.Tensor[];
}

/**
 * Adam (Kingma & Ba 2015). The epsilon is explicit: tfjs's default depends on
 * the backend's reported float precision, which WebGL reports wrongly
 * (BROWSER-TESTING.md, defect 2).
 *
 * @example
 * const opt = adam(0.001, { beta1: 0.9, beta2: 0.999 });
 * let state = opt.init(params);
 */
export function adam(lr: number, { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = {}): Optimizer<AdamState> {
  return {
    name: 'adam',
    init: (params) => ({ step: 0, m: params.map((p) => tf.zerosLike(p)), v: params.map((p) => tf.zerosLike(p)) }),
    update: (grads, state, params) => {
      const step = state.step + 1;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      const out = tf.tidy(() => {
        const m = state.m.map((mi, i) => tf.add(tf.mul(beta1, mi), tf.mul(1 - beta1, grads[i] as tf.Tensor)));
        const v = state.v.map((vi, i) => tf.add(tf.mul(beta2, vi), tf.mul(1 - beta2, tf.square(grads[i] as tf.Tensor))));
        const next = params.map((p, i) =>
          tf.sub(p, tf.div(tf.mul(lr / c1, m[i] as tf.Tensor), tf.add(tf.sqrt(tf.div(v[i] as tf.Tensor, c2)), epsilon))),
        );
        return { next, m, v };
      });
      return { params: out.next, state: { step, m: out.m, v: out.v } };
    },
    disposeState: (state) => {
      for (const t of [...state.m, ...state.v]) t.dispose();
    },
  };
}

/** The optimizers `optimizerByName` knows. */
export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;
/** One of OPTIMIZER_NAMES. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * An optimizer by name (Adam with its explicit default epsilon 1e-7); throws `InvalidInputError` listing the names.
 *
 * @example
 * const outer = optimizerByName('adam', 0.001);
 */
export function optimizerByName(name: string, lr: number): Optimizer<unknown> {
  if (name === 'sgd') return sgd(lr) as Optimizer<unknown>;
  if (name === 'adam') return adam(lr) as unknown as Optimizer<unknown>;
  throw new InvalidInputError('optimizer', `unknown optimizer "${name}"; valid: ${OPTIMIZER_NAMES.join(', ')}`);
}
