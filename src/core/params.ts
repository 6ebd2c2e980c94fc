import * as tf from '@tensorflow/tfjs';
import { createRng } from './random.js';

/**
 * Parameters are a plain, ordered array of tensors. The order is fixed by the
 * model's `specs`; nothing in the inner loop is a `tf.Variable`.
 */
export type Params = readonly tf.Tensor[];

export type ParamInit = 'glorot' | 'normal' | 'zeros' | 'ones' | { constant: number };

/**
 * A parameter's name, shape, initializer and group.
 *
 * @example
 * const spec: ParamSpec = { name: 'head/dense0/kernel', shape: [16, 8], init: 'glorot', group: 'head' };
 */
export interface ParamSpec {
  /** Unique, stable name; also the key in the bundle's weights manifest. */
  readonly name: string;
  /** Tensor shape. */
  readonly shape: readonly number[];
  /** How `initParams` fills it. */
  readonly init: ParamInit;
  /**
   * Which part of the model the tensor belongs to. The recommender's `head`
   * adapts in the inner loop; its `tower` changes only in the outer loop.
   */
  readonly group: string;
}

/** Deterministic initial values for one spec, computed in JS so every backend agrees. */
export function initValues(spec: ParamSpec, seed: number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const init = spec.init;
  if (init === 'zeros') return out;
  if (init === 'ones') return out.fill(1);
  if (typeof init === 'object') return out.fill(init.constant);
  const rng = createRng(seed);
  const fanIn = spec.shape.length > 1 ? (spec.shape[0] as number) : size;
  const fanOut = spec.shape.length > 1 ? (spec.shape[spec.shape.length - 1] as number) : size;
  const std = init === 'glorot' ? Math.sqrt(2 / (fanIn + fanOut)) : 0.05;
  for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
  return out;
}

/**
 * Fresh parameters for `specs`; the caller owns the tensors.
 *
 * @example
 * const params = initParams([{ name: 'w', shape: [4, 1], init: 'glorot', group: 'head' }], 1);
 */
export function initParams(specs: readonly ParamSpec[], seed: number): tf.Tensor[] {
  return specs.map((spec, i) => tf.tensor(initValues(spec, seed * 7919 + i * 104729 + 1), [...spec.shape]));
}

/**
 * Disposes every tensor of `params`.
 *
 * @example
 * disposeParams(adapted);
 */
export function disposeParams(params: Params): void {
  for (const p of params) p.dispose();
}

/**
 * New handles on the same data (cheap); the caller owns the clones.
 *
 * @example
 * const snapshot = cloneParams(params);
 */
export function cloneParams(params: Params): tf.Tensor[] {
  return params.map((p) => tf.clone(p));
}

/**
 * Throws when `params` does not match `specs` in count or shape.
 *
 * @example
 * checkParams(model.specs, params); // throws when a count or shape differs
 */
export function checkParams(specs: readonly ParamSpec[], params: Params): void {
  if (params.length !== specs.length) {
    throw new Error(`expected ${specs.length} parameter tensors, got ${params.length}`);
  }
  specs.forEach((spec, i) => {
    const got = (params[i] as tf.Tensor).shape;
    if (got.length !== spec.shape.length || got.some((d, k) => d !== spec.shape[k])) {
      throw new Error(`parameter ${spec.name}: expected shape [${spec.shape}], got [${got}]`);
    }
  });
}

/** A boolean mask over `specs`, true where the spec's group is one of `groups`. */
export function groupMask(specs: readonly ParamSpec[], groups: readonly string[]): boolean[] {
  return specs.map((s) => groups.includes(s.group));
}
