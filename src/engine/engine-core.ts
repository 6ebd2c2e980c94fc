import * as tf from '@tensorflow/tfjs';
import { adapt } from '../core/adapt.js';
import { firstNonFinite } from '../core/finite.js';
import { bceWithLogits, mse } from '../core/losses.js';
import type { Model } from '../core/model.js';
import { disposeParams } from '../core/params.js';
import { AttuneError, BackendError } from '../errors.js';
import type { LoadedBundle } from '../bundle/read.js';
import type { Examples } from '../models/feedback.js';
import type { BackendAttempt, BackendName } from './backends.js';
import { fastAdapt } from './fast-head.js';
import { generalizes, measureHeldOut, splitHeldOut, type HeldOutCheck } from './held-out.js';
import type { HeadTensors } from './head.js';
import { topK } from './top-k.js';
import type { AdaptCheckOptions, AdaptResult, BackendChoice, Engine, InnerLoop } from './engine.js';

const allFinite = (values: Float32Array): boolean => firstNonFinite(values) < 0;

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
  const lossName = model.feedback === 'rating' ? 'mse' : 'bce';
  const rowsOf = (items: Int32Array): Float32Array => {
    const dim = t.host.fanIn[0]!;
    const x = new Float32Array(items.length * dim);
    items.forEach((row, i) => x.set(bundle.embeddings.subarray(row * dim, (row + 1) * dim), i * dim));
    return x;
  };
  const adaptInJs = (support: Examples) => fastAdapt({ ...t.host, x: rowsOf(support.items), y: support.y, w: support.w, steps, priorCount, loss: lossName });
  const adaptInTfjs = async (support: Examples) => {
    const out = tf.tidy(() => {
      const x = tf.gather(t.embeddings, tf.tensor1d(support.items, 'int32'));
      const batch = { x, y: tf.tensor1d(support.y), w: tf.tensor1d(support.w) };
      // One SGD step at a time (the same steps as `steps` at once, plain SGD keeps no state), to report the loss after each.
      let params: tf.Tensor[] = [...t.theta0];
      const perStep = [loss(head.apply(params, x), batch.y, batch.w)];
      for (let s = 0; s < steps; s++) {
        params = adapt(head, params, batch, { steps: 1, lr: t.lr, loss, priorCount });
        perStep.push(loss(head.apply(params, x), batch.y, batch.w));
      }
      return { params: steps === 0 ? params.map((p) => p.clone()) : params, losses: tf.stack(perStep) };
    });
    // Copies: on the cpu backend `data()` may hand out the tensor's own storage.
    const params = (await Promise.all(out.params.map((p) => p.data()))).map((v) => Float32Array.from(v as Float32Array));
    const losses = Array.from(await out.losses.data());
    disposeParams(out.params);
    out.losses.dispose();
    return { params, lossBefore: losses[0] ?? NaN, lossAfter: losses.at(-1) ?? NaN, losses };
  };
  const inner = async (support: Examples) => (innerLoop === 'js' ? adaptInJs(support) : adaptInTfjs(support));
  const checkHeldOut = async (support: Examples): Promise<HeldOutCheck | undefined> => {
    const split = splitHeldOut(support);
    if (!split) return undefined;
    const trained = await inner(split.train);
    return measureHeldOut({ fanIn: t.host.fanIn, lr: t.host.lr, priorCount, loss: lossName, theta0: t.host.theta0 }, rowsOf, split.held, trained.params);
  };
  const guarded = <A extends unknown[], R>(what: string, body: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => body(...args).catch((error: unknown) => Promise.reject(asBackendError(what, error)));

  return {
    get backend() {
      return (tf.getBackend() as BackendName | undefined) ?? backend;
    },
    attempts,
    choice,
    adapt: guarded('adaptation', async (support: Examples, options: AdaptCheckOptions = {}): Promise<AdaptResult> => {
      const start = performance.now();
      const out = await inner(support);
      const { params, lossBefore, lossAfter } = out;
      // Keep θ0 when the steps did not converge on the visitor's own events:
      // non-finite values, or a support loss that grew (a diverged inner loop),
      // or, when asked, a run without a held-out slice that did worse on it (held-out.ts).
      const converged = params.every(allFinite) && Number.isFinite(lossAfter) && lossAfter <= lossBefore * DIVERGENCE_FACTOR + 1e-6;
      const heldOut = converged && options.heldOut ? await checkHeldOut(support) : undefined;
      const applied = converged && (!heldOut || generalizes(heldOut));
      if (applied) replace(t.fromValues(params));
      const ms = performance.now() - start;
      return { ms, steps, supportSize: support.items.length, lossBefore, lossAfter, applied, params, losses: out.losses, ...(heldOut ? { heldOut } : {}) };
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
    embeddings: async (rows: readonly number[]) => rowsOf(Int32Array.from(rows)),
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
