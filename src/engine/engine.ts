import * as tf from '@tensorflow/tfjs';
import { adapt } from '../core/adapt.js';
import { bceWithLogits, mse } from '../core/losses.js';
import type { Model } from '../core/model.js';
import { disposeParams } from '../core/params.js';
import { AttuneError, BackendError } from '../errors.js';
import type { LoadedBundle } from '../bundle/read.js';
import type { Examples } from '../models/feedback.js';
import { afterSwitch, selectBackend, type BackendAttempt, type BackendName } from './backends.js';
import { headTensors, type HeadTensors } from './head.js';
import { topK } from './top-k.js';
import type { WasmPaths } from './wasm-paths.js';

/** The outcome of one inner loop. */
export interface AdaptResult {
  readonly ms: number;
  readonly steps: number;
  readonly supportSize: number;
  readonly lossBefore: number;
  readonly lossAfter: number;
  /** False when the result was not finite or diverged: the engine kept its previous params. */
  readonly applied: boolean;
  /** The adapted head params as plain arrays (to cache), in manifest order. */
  readonly params: readonly Float32Array[];
}

/**
 * Everything that touches tensors: the bundle's head and catalog embeddings,
 * the inner loop and scoring. Its inputs and outputs are plain arrays and
 * every method is async, so it can move into a Web Worker unchanged.
 */
export interface Engine {
  /**
   * The tfjs backend that actually runs, read live from tfjs: tfjs has one
   * engine per page, so if other code switches it, this says so.
   */
  readonly backend: BackendName;
  /** Every backend tried, in order, with the reason it was refused. */
  readonly attempts: readonly BackendAttempt[];
  /** Runs the inner loop from θ0 on `support` and, when sound, scores with the result from now on. */
  adapt(support: Examples): Promise<AdaptResult>;
  /** Scores with these (cached) head params from now on, or with θ0 for `null`. */
  useParams(values: readonly Float32Array[] | null): Promise<void>;
  /** The `k` best catalog rows and their scores, best first, skipping `exclude`. */
  top(k: number, exclude: ReadonlySet<number>): Promise<{ rows: number[]; scores: number[] }>;
  /** Scores of the given catalog rows, in the given order. */
  scoreRows(rows: readonly number[]): Promise<number[]>;
  dispose(): void;
}

export interface EngineOptions {
  readonly backend: readonly BackendName[];
  readonly wasmPaths?: WasmPaths;
}

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
 * Picks a backend, then uploads the bundle's head (θ0, inner learning rates)
 * and catalog embeddings. The caller owns the engine and must `dispose()` it.
 */
export async function createEngine(bundle: LoadedBundle, options: EngineOptions): Promise<Engine> {
  const { backend, attempts } = await selectBackend(options.backend, options.wasmPaths);
  const tensors = await afterSwitch(async () => headTensors(bundle));
  return engineOn(bundle, tensors, backend, attempts);
}

function engineOn(bundle: LoadedBundle, t: HeadTensors, backend: BackendName, attempts: readonly BackendAttempt[]): Engine {
  const { model } = bundle.manifest;
  const { steps } = bundle.manifest.inner;
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
  const guarded = <A extends unknown[], R>(what: string, body: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => body(...args).catch((error: unknown) => Promise.reject(asBackendError(what, error)));

  return {
    get backend() {
      return (tf.getBackend() as BackendName | undefined) ?? backend;
    },
    attempts,
    adapt: guarded('adaptation', async (support: Examples) => {
      const start = performance.now();
      const out = tf.tidy(() => {
        const x = tf.gather(t.embeddings, tf.tensor1d(support.items, 'int32'));
        const batch = { x, y: tf.tensor1d(support.y), w: tf.tensor1d(support.w) };
        const params = adapt(head, t.theta0, batch, { steps, lr: t.lr, loss });
        const before = loss(head.apply(t.theta0, x), batch.y, batch.w);
        const after = loss(head.apply(params, x), batch.y, batch.w);
        return { params, losses: tf.stack([before, after]) };
      });
      const values = (await Promise.all(out.params.map((p) => p.data()))) as Float32Array[];
      const [lossBefore = NaN, lossAfter = NaN] = await out.losses.data();
      out.losses.dispose();
      // Keep θ0 when the steps did not converge on the visitor's own events:
      // non-finite values, or a support loss that grew (a diverged inner loop).
      const applied = values.every(allFinite) && Number.isFinite(lossAfter) && lossAfter <= lossBefore * DIVERGENCE_FACTOR + 1e-6;
      if (applied) replace(out.params);
      else disposeParams(out.params);
      const ms = performance.now() - start;
      return { ms, steps, supportSize: support.items.length, lossBefore, lossAfter, applied, params: values };
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
    dispose: () => {
      replace(null);
      t.dispose();
    },
  };
}
