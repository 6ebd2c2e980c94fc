import type { LoadedBundle } from '../bundle/read.js';
import type { Examples } from '../models/feedback.js';
import { chooseBackend, defaultInnerLoop, type BackendChoice, type ChoiceCache, type WarmUpListener } from './auto.js';
import { afterSwitch, selectBackend, type BackendAttempt, type BackendName } from './backends.js';
import { engineOn } from './engine-core.js';
import { headTensors } from './head.js';
import type { HeldOutCheck } from './held-out.js';
import { fallbackOrder, lossProbe, recoverable, type Watched } from './recover.js';
import type { WasmPaths } from './wasm-paths.js';

export type { BackendChoice, BackendMeasurement, ChoiceCache, WarmUpProgress } from './auto.js';

/** The outcome of one inner loop. */
export interface AdaptResult {
  readonly ms: number;
  readonly steps: number;
  readonly supportSize: number;
  readonly lossBefore: number;
  readonly lossAfter: number;
  /** The support loss before each step, then after the last (`steps + 1` values). */
  readonly losses: readonly number[];
  /** False when the result was not finite or diverged: the engine kept its previous params. */
  readonly applied: boolean;
  /** The adapted head params as plain arrays (to cache), in manifest order. */
  readonly params: readonly Float32Array[];
  /** With `heldOut`: the held-out slice's loss at θ0 and after adapting without it (absent when the support set is too small). */
  readonly heldOut?: HeldOutCheck;
}

export interface AdaptCheckOptions {
  /** Also require the adaptation to be no worse than θ0 on a held-out slice of the support set (engine/held-out.ts). */
  readonly heldOut?: boolean;
}

/** Live tfjs memory in the engine's realm (the worker, or the page when inline). */
export interface EngineMemory {
  /** Live tensors. */
  readonly numTensors: number;
  /** Bytes held by live tensors. */
  readonly numBytes: number;
  /** The running backend's default optimizer epsilon; attune's inner loop (plain SGD) does not use it. */
  readonly epsilon: number;
}

/**
 * Everything that touches tensors: the bundle's head and catalog embeddings,
 * the inner loop and scoring. Its inputs and outputs are plain arrays and
 * every method is async, so it runs in a Web Worker unchanged.
 */
export interface Engine {
  /**
   * The tfjs backend that actually runs, read live from tfjs: tfjs has one
   * engine per page, so if other code switches it, this says so.
   */
  readonly backend: BackendName;
  /** Every backend tried, in order, with the reason it was refused. */
  readonly attempts: readonly BackendAttempt[];
  /** Backends whose GPU was lost mid-session and that the engine left, in order (engine/recover.ts). */
  readonly lost?: readonly BackendName[];
  /** How `'fastest'` chose the backend (the measurements), or null when the first that started was taken. */
  readonly choice: BackendChoice | null;
  /** Runs the inner loop from θ0 on `support` and, when sound, scores with the result from now on. */
  adapt(support: Examples, options?: AdaptCheckOptions): Promise<AdaptResult>;
  /** Scores with these (cached) head params from now on, or with θ0 for `null`. */
  useParams(values: readonly Float32Array[] | null): Promise<void>;
  /** The `k` best catalog rows and their scores, best first, skipping `exclude`. */
  top(k: number, exclude: ReadonlySet<number>): Promise<{ rows: number[]; scores: number[] }>;
  /** Scores of the given catalog rows, in the given order. */
  scoreRows(rows: readonly number[]): Promise<number[]>;
  /** The catalog embeddings of `rows`, row-major `[rows.length, dim]` (a copy; for explanations). */
  embeddings(rows: readonly number[]): Promise<Float32Array>;
  /** Live tensor count and bytes of the engine's tfjs (for diagnostics and leak checks). */
  memory(): Promise<EngineMemory>;
  dispose(): void;
}

/**
 * How the inner loop runs: `'js'` is the hand-written loop of fast-head.ts,
 * `'tfjs'` the functional core's `adapt()` op by op on the backend. Both
 * compute the same SGD steps (within float rounding); scoring always runs on
 * the backend. Default: the one `'fastest'` measured faster, else
 * `defaultInnerLoop(backend)`.
 */
export type InnerLoop = 'js' | 'tfjs';

export interface EngineOptions {
  /** Candidate backends, in order of preference. */
  readonly backend: readonly BackendName[];
  readonly wasmPaths?: WasmPaths;
  /**
   * `'first'` (default): the first candidate that starts and passes the
   * sanity check. `'fastest'`: measure this bundle's adapt + rank on every
   * candidate and keep the fastest numerically sound one (`'auto'`).
   */
  readonly choose?: 'first' | 'fastest';
  /** Where `'fastest'` remembers its choice (per bundle version and device); none: measure every time. */
  readonly cache?: ChoiceCache;
  readonly innerLoop?: InnerLoop;
  /** Warm-up steps (measuring and starting backends), in order; not called on a later GPU-loss restart. */
  readonly onProgress?: WarmUpListener;
}

/**
 * Picks a backend, then uploads the bundle's head (θ0, inner learning rates)
 * and catalog embeddings. If the GPU under it is lost mid-session, the engine
 * moves to the next backend (`fallbackOrder`) and carries on. The caller owns
 * the engine and must `dispose()` it.
 */
export async function createEngine(bundle: LoadedBundle, options: EngineOptions): Promise<Engine> {
  const watch = async (backend: BackendName, attempts: BackendAttempt[], choice: BackendChoice | null, innerLoop: InnerLoop): Promise<Watched> =>
    afterSwitch(async () => ({ engine: engineOn(bundle, headTensors(bundle), backend, attempts, choice, innerLoop), probe: lossProbe(backend) }));
  const restart = async (lost: readonly BackendName[]): Promise<Watched> => {
    const { backend, attempts } = await selectBackend(fallbackOrder(options.backend, lost), options.wasmPaths);
    return watch(backend, attempts, null, options.innerLoop ?? defaultInnerLoop(backend));
  };
  if (options.choose === 'fastest') {
    const { backend, attempts, choice } = await chooseBackend(bundle, options.backend, options.wasmPaths, options.cache, options.onProgress);
    return recoverable(await watch(backend, attempts, choice, options.innerLoop ?? choice.innerLoop), restart);
  }
  const first = options.backend[0];
  if (first) options.onProgress?.({ phase: 'warm-up', backend: first, step: 'start', index: 1, total: 1 });
  const { backend, attempts } = await selectBackend(options.backend, options.wasmPaths);
  return recoverable(await watch(backend, attempts, null, options.innerLoop ?? defaultInnerLoop(backend)), restart);
}
