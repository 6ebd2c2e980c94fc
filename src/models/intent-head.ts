import * as tf from '@tensorflow/tfjs';
import { adapt } from '../core/adapt.js';
import { softmaxCrossEntropy } from '../core/losses.js';
import type { Model } from '../core/model.js';
import type { ParamSpec, Params } from '../core/params.js';
import { l2Normalize } from './intent.js';

/**
 * The few-shot head: a cosine classifier whose weights start at the class
 * prototypes (the ProtoNet ↔ linear-layer equivalence, Snell et al. 2017;
 * Triantafillou et al. 2020 "Proto-MAML") and are then refined by a few
 * inner-loop steps on the support examples.
 */
export interface HeadInput {
  /** Unit-norm embeddings [n, dim]. */
  readonly z: tf.Tensor2D;
  /** Sparse-centroid cosines [n, classes] (see intent-prior.ts), or absent. */
  readonly prior?: tf.Tensor2D;
}

export interface HeadScalars {
  /** Logit temperature (learned during meta-training). */
  readonly scale: number | tf.Tensor;
  /** Weight of the sparse prior in the logits (learned during meta-training). */
  readonly priorWeight: number | tf.Tensor;
}

export function headSpecs(classes: number, dim: number): ParamSpec[] {
  return [
    { name: 'head/kernel', shape: [classes, dim], init: 'zeros', group: 'head' },
    { name: 'head/bias', shape: [classes], init: 'zeros', group: 'head' },
  ];
}

/** Logits [n, classes] = scale · (z·Wᵀ + b) + priorWeight · prior. */
export function headLogits(kernel: tf.Tensor, bias: tf.Tensor, x: HeadInput, s: HeadScalars): tf.Tensor2D {
  return tf.tidy(() => {
    const lin = tf.mul(s.scale, tf.add(tf.matMul(x.z, kernel as tf.Tensor2D, false, true), bias)) as tf.Tensor2D;
    return x.prior ? (tf.add(lin, tf.mul(s.priorWeight, x.prior)) as tf.Tensor2D) : lin;
  });
}

/** The head as a Model over precomputed embeddings, for `adapt()`. */
export function createHeadModel(classes: number, dim: number, scalars: HeadScalars): Model<HeadInput> {
  const specs = headSpecs(classes, dim);
  return {
    specs,
    init: () => specs.map((s) => tf.zeros([...s.shape])),
    apply: (p, x) => headLogits(p[0] as tf.Tensor, p[1] as tf.Tensor, x, scalars),
  };
}

/** Unit-norm class means [classes, dim] of unit-norm embeddings; `oneHot` is [n, classes]. Caller owns the result. */
export function prototypes(z: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => l2Normalize(tf.matMul(oneHot, z, true, false)));
}

export interface FitHeadOptions {
  readonly steps: number;
  readonly lr: number;
  readonly scalars: HeadScalars;
}

/**
 * Prototype init, then `steps` SGD steps of softmax cross-entropy on the
 * support set. Returns [kernel, bias], owned by the caller; inputs untouched.
 */
export function fitHead(support: HeadInput, oneHot: tf.Tensor2D, options: FitHeadOptions): tf.Tensor[] {
  const classes = oneHot.shape[1];
  const dim = support.z.shape[1];
  const model = createHeadModel(classes, dim, options.scalars);
  const init: Params = [prototypes(support.z, oneHot), tf.zeros([classes])];
  try {
    return adapt(model, init, { x: support, y: oneHot }, { steps: options.steps, lr: options.lr, loss: softmaxCrossEntropy });
  } finally {
    tf.dispose(init as tf.Tensor[]);
  }
}
