import * as tf from '@tensorflow/tfjs';
import { adapt } from '../core/adapt.js';
import { bceWithLogits, mse } from '../core/losses.js';
import type { Model } from '../core/model.js';
import { disposeParams } from '../core/params.js';
import { AttuneError, BackendError } from '../errors.js';
import type { LoadedBundle } from '../bundle/read.js';
import type { Examples } from '../models/feedback.js';
import type { BackendAttempt, BackendName } from './backends.js';
import { fastAdapt } from './fast-head.js';
import type { HeadTensors } from './head.js';
import { topK } from './top-k.js';
import type { AdaptResult, BackendChoice, Engine, InnerLoop } from './engine.js';

const allFinite = (values: Float32Array): boolean => values.every(Number.isFinite);

/**
 * How much the support loss may grow over the inner loop before the result
 * counts as diverged. SGD from a meta-learned init lowers it; a blow-up
 * (a wild event, a too-large rate) raises it by orders of magnitude.
 */
const DIVERGENCE_FACTOR = 1.5;

/** Rejects as a BackendError unless the failure already is a typed attune error. */
function asBackendError(what: string, error: unknown): AttuneError {
  if (error instanceof AttuneError) return error;
  return new BackendError(`${what} failed on the ${tf.getBackend()} backend: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/**
 * The engine on the running backend, over tensors already uploaded: used for
 * the real engine and for each candidate of the `'auto'` measurement, so the
 * measured code is exactly the code that runs afterwards.
 */
export function engineOn(
  bundle: LoadedBundle,
  t: HeadTensors,
  backend: BackendName,
  attempts: readonly BackendAttempt[],
  choice: BackendChoice | null,
  innerLoop: InnerLoop = 'js',
): Engine {
  const { model } = bundle.manifest;
  const { steps, priorCount = 0 } = bundle.manifest.inner;
  const loss = model.feedback === 'rating' ? mse : bceWithLogits;
  // Ratings are learned standardized; hosts get them back in the rating scale.
  const toScore = model.feedback === 'rating' ? (raw: number) => raw * model.ratingStd + model.ratingMean : (raw: number) => raw;
  let current: tf.Tensor[] | null = null; // null: θ0
  let scores: Float32Array | null = null; // catalog scores for `current`, until it changes
  const head: Model<tf.Tensor> = t.head;

  const replace = (next: tf.Tensor[] | null): void => {
    if (current) disposeParams(current);
    current = next;
    scores = null;
  };
  const catalogScores = async (): Promise<Float32Array> => {
    if (!scores) {
      const out = tf.tidy(() => head.apply(current ?? t.theta0, t.embeddings));
      scores = Float32Array.from(await out.data(), toScore);
      out.dispose();
    }
    return scores;
  };
  const adaptInJs = (support: Examples) => {
    const dim = t.host.fanIn[0]!;
    const x = new Float32Array(support.items.length * dim);
    support.items.forEach((row, i) => x.set(bundle.embeddings.subarray(row * dim, (row + 1) * dim), i * dim));
    return fastAdapt({ ...t.host, x, y: support.y, w: support.w, steps, priorCount, loss: model.feedback === 'rating' ? 'mse' : 'bce' });
  };
  const adaptInTfjs = async (support: Examples) => {
    const out = tf.tidy(() => {
      const x = tf.gather(t.embeddings, tf.tensor1d(support.items, 'int32'));
      const batch = { x, y: tf.tensor1d(support.y), w: tf.tensor1d(support.w) };
      const params = adapt(head, t.theta0, batch, { steps, lr: t.lr, loss, priorCount });
      const before = loss(head.apply(t.theta0, x), batch.y, batch.w);
      const after = loss(head.apply(params, x), batch.y, batch.w);
      return { params, losses: tf.stack([before, after]) };
    });
    // Copies: on the cpu backend `data()` may hand out the tensor's own storage.
    const params = (await Promise.all(out.params.map((p) => p.data()))).map((v) => Float32Array.from(v as Float32Array));
    const [lossBefore = NaN, lossAfter = NaN] = await out.losses.data();
    disposeParams(out.params);
    out.losses.dispose();
    return { params, lossBefore, lossAfter };
  };
  const guarded = <A extends unknown[], R>(what: string, body: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => body(...args).catch((error: unknown) => Promise.reject(asBackendError(what, error)));

  return {
    get backend() {
      return (tf.getBackend() as BackendName | undefined) ?? backend;
    },
    attempts,
    choice,
    adapt: guarded('adaptation', async (support: Examples): Promise<AdaptResult> => {
      const start = performance.now();
      const out = innerLoop === 'js' ? adaptInJs(support) : await adaptInTfjs(support);
      const { params, lossBefore, lossAfter } = out;
      // Keep θ0 when the steps did not converge on the visitor's own events:
      // non-finite values, or a support loss that grew (a diverged inner loop).
      const applied = params.every(allFinite) && Number.isFinite(lossAfter) && lossAfter <= lossBefore * DIVERGENCE_FACTOR + 1e-6;
      if (applied) replace(t.fromValues(params));
      const ms = performance.now() - start;
      return { ms, steps, supportSize: support.items.length, lossBefore, lossAfter, applied, params };
    }),
    useParams: guarded('loading adapted params', async (values: readonly Float32Array[] | null) => {
      replace(values ? t.fromValues(values) : null);
    }),
    top: guarded('scoring the catalog', async (k: number, exclude: ReadonlySet<number>) => {
      const all = await catalogScores();
      const rows = topK(all, k, exclude);
      return { rows, scores: rows.map((r) => all[r]!) };
    }),
    scoreRows: guarded('scoring items', async (rows: readonly number[]) => {
      const all = await catalogScores();
      return rows.map((r) => all[r]!);
    }),
    memory: async () => {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes, epsilon: tf.backend().epsilon() };
    },
    dispose: () => {
      replace(null);
      t.dispose();
    },
  };
}
