import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.js';
import { disposeParams } from '../core/params.js';
import { BundleError } from '../errors.js';
import type { LoadedBundle } from '../bundle/read.js';
import { createRecommender } from '../models/recommender.js';

/** The bundle's part that runs on the device, as tensors. */
export interface HeadTensors {
  readonly head: Model<tf.Tensor>;
  /** The meta-learned initialization θ0 of the head, in spec order. */
  readonly theta0: readonly tf.Tensor[];
  /** Inner learning rate: a number, or Meta-SGD's per-parameter rates. */
  readonly lr: number | readonly tf.Tensor[];
  /** Catalog item embeddings [items, dim]. */
  readonly embeddings: tf.Tensor2D;
  /** The same θ0 and rates as plain arrays, and each layer's fan-in: the hand-written inner loop's inputs. */
  readonly host: { readonly theta0: readonly Float32Array[]; readonly lr: number | readonly Float32Array[]; readonly fanIn: readonly number[] };
  /** New tensors from plain values shaped like θ0 (throws when they are not). */
  fromValues(values: readonly Float32Array[]): tf.Tensor[];
  dispose(): void;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Uploads the head: its weights are the entries in group `head`, which must
 * match the model config's head specs one to one, in order. Meta-SGD bundles
 * add a weight `lr/<param name>` per head param (same shape): the engine then
 * adapts with those learned per-parameter rates instead of `inner.lr`.
 */
export function headTensors(bundle: LoadedBundle): HeadTensors {
  const { manifest, entries, weights } = bundle;
  const { head } = createRecommender(manifest.model);
  const headIdx = entries.flatMap((e, i) => (e.group === 'head' ? [i] : []));
  const bad = (why: string): never => {
    throw new BundleError('bundle-malformed', `manifest.json: ${why}`);
  };
  if (headIdx.length !== head.specs.length) bad(`${headIdx.length} head weights, the model config needs ${head.specs.length}`);
  head.specs.forEach((spec, k) => {
    const e = entries[headIdx[k]!]!;
    if (e.name !== spec.name || !sameShape(e.shape, spec.shape)) bad(`head weight ${k} is ${e.name} [${e.shape}], expected ${spec.name} [${spec.shape}]`);
  });
  const byName = new Map(entries.map((e, i) => [e.name, i]));
  const lrIdx = head.specs.map((s) => byName.get(`lr/${s.name}`));
  if (lrIdx.some((i) => i !== undefined) && lrIdx.some((i) => i === undefined)) bad('per-parameter learning rates must cover every head weight');
  lrIdx.forEach((i, k) => {
    const spec = head.specs[k]!;
    if (i !== undefined && !sameShape(entries[i]!.shape, spec.shape)) bad(`learning rate lr/${spec.name} is [${entries[i]!.shape}], expected [${spec.shape}]`);
  });
  const upload = (i: number): tf.Tensor => tf.tensor(weights[i]!, [...entries[i]!.shape]);
  const theta0 = headIdx.map(upload);
  const lr = lrIdx[0] === undefined ? manifest.inner.lr : lrIdx.map((i) => upload(i!));
  const [rows, dim] = manifest.catalog.embeddings.shape;
  const embeddings = tf.tensor2d(bundle.embeddings, [rows, dim]);
  const host = {
    theta0: headIdx.map((i) => weights[i]!),
    lr: lrIdx[0] === undefined ? manifest.inner.lr : lrIdx.map((i) => weights[i!]!),
    fanIn: head.specs.filter((_, k) => k % 2 === 0).map((s) => s.shape[0]!),
  };
  return {
    head,
    theta0,
    lr,
    embeddings,
    host,
    fromValues: (values) => {
      if (values.length !== theta0.length || values.some((v, i) => v.length !== theta0[i]!.size)) {
        throw new Error('adapted params do not match the head of this bundle');
      }
      return values.map((v, i) => tf.tensor(v, theta0[i]!.shape));
    },
    dispose: () => {
      disposeParams(theta0);
      if (typeof lr !== 'number') disposeParams(lr);
      embeddings.dispose();
    },
  };
}
