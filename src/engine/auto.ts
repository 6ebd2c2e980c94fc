import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors.js';
import type { LoadedBundle } from '../bundle/read.js';
import type { Examples } from '../models/feedback.js';
import { onBackend, selectBackend, type BackendAttempt, type BackendName } from './backends.js';
import { describeDevice } from './device.js';
import { engineOn } from './engine-core.js';
import { headTensors } from './head.js';
import type { WasmPaths } from './wasm-paths.js';
import type { InnerLoop } from './engine.js';

/** One candidate backend of the `'auto'` choice, measured on this bundle. */
export interface BackendMeasurement {
  /** The measured backend. */
  readonly backend: BackendName;
  /** Started, ran every kernel the model needs and agreed with the reference: a candidate. */
  readonly ok: boolean;
  /** Why it is not a candidate. */
  readonly reason?: string;
  /** Start-up, upload and the first (warm-up) adapt + rank, in ms. */
  readonly firstMs: number;
  /** Median over the timed runs of the faster inner loop, in ms (absent when it did not run). */
  readonly adaptMs?: number;
  /** The faster inner loop here (the engine then adapts with it), and both medians, ms. */
  readonly innerLoop?: InnerLoop;
  /** Median adapt time of each inner loop on this backend, in ms. */
  readonly adaptMsByLoop?: {
    /** The hand-written JS loop. */
    readonly js: number;
    /** The op-by-op tfjs loop. */
    readonly tfjs: number;
  };
  /** Median time to score and rank the probe rows, in ms. */
  readonly rankMs?: number;
  /** max |score − reference| / (ATOL + RTOL·|reference|) over the probe rows: ≤ 1 is sound. */
  readonly deviation?: number;
}

/** How `'auto'` chose, kept per bundle version and device. */
export interface BackendChoice {
  /** The chosen backend. */
  readonly backend: BackendName;
  /** The inner loop measured faster on that backend. */
  readonly innerLoop: InnerLoop;
  /** True when taken from the cache instead of measured in this session. */
  readonly cached: boolean;
  /** The bundle version it was measured on. */
  readonly bundleVersion: string;
  /** The browser and GPU the choice holds for (see `describeDevice`). */
  readonly device: string;
  /** When it was measured (ms since the epoch). */
  readonly measuredAt: number;
  /** Every candidate's measurement, cpu first. */
  readonly measurements: readonly BackendMeasurement[];
}

/**
 * One step of the backend warm-up, as `createPersonalizer`'s `onProgress` reports it.
 * `'measure'`: timing this bundle's adapt + rank on `backend` (`'auto'`, first visit on this
 * device and bundle version); `'start'`: starting `backend` to run the engine.
 *
 * @example
 * const line = (p: WarmUpProgress) => `${p.step === 'measure' ? 'Measuring' : 'Starting'} ${p.backend} (${p.index}/${p.total})`;
 */
export interface WarmUpProgress {
  /** Always `'warm-up'`: tells this apart from bundle download progress. */
  readonly phase: 'warm-up';
  /** The backend being measured or started. */
  readonly backend: BackendName;
  /**
   * `'measure'` (the `'auto'` benchmark) or `'start'`: the backend about to run (for an explicit
   * list, the first candidate; if it fails to start, the next one runs and `'ready'` names it).
   */
  readonly step: 'measure' | 'start';
  /** 1-based position of this backend among those measured (1 for `'start'`). */
  readonly index: number;
  /** How many backends are measured (1 for `'start'`). */
  readonly total: number;
}

/** Receives warm-up steps, in order. */
export type WarmUpListener = (progress: WarmUpProgress) => void;

/** Where choices are remembered (IndexedDB in browsers). Failures only cost a new measurement. */
export interface ChoiceCache {
  get(bundleVersion: string, device: string): Promise<BackendChoice | undefined>;
  put(choice: BackendChoice): Promise<void>;
}

/** Same tolerance as the cross-backend parity test: float32 sums in another order. */
const ATOL = 1e-3;
const RTOL = 1e-3;
/** Timed runs per backend after the warm-up; the median counts. */
const REPEATS = 3;
/** Rank time is linear in the rows, so a big catalog is measured on its first rows only. */
const PROBE_ROWS = 10_000;

/**
 * The inner loop for an explicitly chosen backend (no measurement): op by op
 * on wasm, whose SIMD kernels keep up with the JS loop on this model; the
 * hand-written loop elsewhere (cpu kernels are plain JS anyway, and GPU
 * dispatch costs far more than the work). docs/benchmarks.md has the numbers.
 */
export const defaultInnerLoop = (backend: BackendName): InnerLoop => (backend === 'wasm' ? 'tfjs' : 'js');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The bundle cut to its first PROBE_ROWS items, and a fixed support set shaped like a visitor's. */
function probeOf(bundle: LoadedBundle): { probe: LoadedBundle; support: Examples; rows: number[] } {
  const [total, dim] = bundle.manifest.catalog.embeddings.shape;
  const n = Math.min(total, PROBE_ROWS);
  const catalog = { ...bundle.manifest.catalog, embeddings: { ...bundle.manifest.catalog.embeddings, shape: [n, dim] as [number, number] } };
  const probe = { ...bundle, manifest: { ...bundle.manifest, catalog }, embeddings: bundle.embeddings.subarray(0, n * dim) };
  const size = Math.max(1, Math.min(n, bundle.manifest.inner.maxSupport));
  const stride = Math.max(1, Math.floor(n / size));
  const rating = bundle.manifest.model.feedback === 'rating';
  const support: Examples = {
    items: Int32Array.from({ length: size }, (_, i) => (i * stride) % n),
    y: Float32Array.from({ length: size }, (_, i) => (rating ? (i % 2 ? 1 : -1) : i % 5 === 0 ? 1 : 0)),
    w: new Float32Array(size).fill(1),
  };
  return { probe, support, rows: Array.from({ length: n }, (_, i) => i) };
}

interface Run {
  firstMs: number;
  adaptMs: number;
  rankMs: number;
  innerLoop: InnerLoop;
  adaptMsByLoop: { js: number; tfjs: number };
  applied: boolean;
  /** Probe scores after adapting with the op-by-op loop, then with the JS loop. */
  scores: number[][];
  kernels: string[];
}

/** Warm-up plus REPEATS timed adapt + rank runs of the real engine code on the running backend, with each inner loop. */
async function run(probe: LoadedBundle, support: Examples, rows: number[], name: BackendName, start: number, profile: boolean): Promise<Run> {
  // The op-by-op engine runs every kernel the model needs on this backend; the other adapts in JS and scores here.
  const ops = engineOn(probe, headTensors(probe), name, [], null, 'tfjs');
  const js = engineOn(probe, headTensors(probe), name, [], null, 'js');
  try {
    const none = new Set<number>();
    const warm = async () => {
      await ops.adapt(support);
      await ops.top(10, none);
      await js.adapt(support);
    };
    const kernels = profile ? (await tf.profile(async () => (await warm(), []))).kernelNames : (await warm(), []);
    const firstMs = performance.now() - start;
    const times = { tfjs: [] as number[], js: [] as number[], rank: [] as number[] };
    let applied = false;
    for (let i = 0; i < REPEATS; i++) {
      const a = performance.now();
      applied = (await ops.adapt(support)).applied;
      const b = performance.now();
      await ops.top(10, none);
      const c = performance.now();
      await js.adapt(support);
      times.tfjs.push(b - a);
      times.rank.push(c - b);
      times.js.push(performance.now() - c);
    }
    const [tfjsMs, jsMs] = [median(times.tfjs), median(times.js)];
    const innerLoop: InnerLoop = jsMs <= tfjsMs ? 'js' : 'tfjs';
    // Both inner loops must agree with the reference: score with each.
    const scores = [await ops.scoreRows(rows), await js.scoreRows(rows)];
    return { firstMs, adaptMs: Math.min(tfjsMs, jsMs), innerLoop, adaptMsByLoop: { js: jsMs, tfjs: tfjsMs }, rankMs: median(times.rank), applied, scores, kernels };
  } finally {
    ops.dispose();
    js.dispose();
  }
}

function deviation(runs: readonly number[][], reference: readonly number[]): number {
  let worst = 0;
  for (const scores of runs) {
    scores.forEach((s, i) => {
      const r = reference[i]!;
      worst = Math.max(worst, Number.isFinite(s) ? Math.abs(s - r) / (ATOL + RTOL * Math.abs(r)) : Infinity);
    });
  }
  return worst;
}

function unsound(dev: number, result: Run, reference: { name: BackendName; run: Run } | null): string | undefined {
  if (!Number.isFinite(dev)) return 'non-finite scores';
  if (!reference) return undefined;
  if (dev > 1) return `scores differ from ${reference.name} by ${dev.toFixed(1)}× the tolerance (${ATOL} + ${RTOL}·|s|)`;
  if (result.applied !== reference.run.applied) return `adaptation ${result.applied ? 'converged' : 'diverged'} here but not on ${reference.name}`;
  return undefined;
}

/**
 * Measures every candidate (cpu first: it is the numeric reference) and
 * returns the measurements in that order. A candidate is refused when it does
 * not start (or is half-float WebGL), lacks a kernel the model ran on the
 * reference, throws, produces non-finite scores, or disagrees with the reference.
 */
export async function measureBackends(bundle: LoadedBundle, candidates: readonly BackendName[], wasmPaths?: WasmPaths, onProgress?: WarmUpListener): Promise<BackendMeasurement[]> {
  const { probe, support, rows } = probeOf(bundle);
  const order = [...candidates].sort((a, b) => Number(b === 'cpu') - Number(a === 'cpu'));
  const out: BackendMeasurement[] = [];
  let reference: { name: BackendName; run: Run } | null = null;
  for (const [i, name] of order.entries()) {
    // Outside the try: a throwing listener must not count as a refused backend.
    onProgress?.({ phase: 'warm-up', backend: name, step: 'measure', index: i + 1, total: order.length });
    const start = performance.now();
    try {
      const result = await onBackend(name, wasmPaths, async () => {
        const missing = reference?.run.kernels.filter((k) => !tf.getKernel(k, name)) ?? [];
        if (missing.length > 0) throw new Error(`kernels not registered: ${missing.join(', ')}`);
        return run(probe, support, rows, name, start, reference === null);
      });
      const { firstMs, adaptMs, rankMs, innerLoop, adaptMsByLoop } = result;
      const dev = deviation(result.scores, (reference?.run ?? result).scores[0]!);
      const why = unsound(dev, result, reference);
      const measured = { backend: name, firstMs, adaptMs, rankMs, innerLoop, adaptMsByLoop, deviation: dev };
      out.push(why ? { ...measured, ok: false, reason: why } : { ...measured, ok: true });
      if (!why && !reference) reference = { name, run: result };
    } catch (error) {
      out.push({ backend: name, ok: false, reason: message(error), firstMs: performance.now() - start });
    }
  }
  return out;
}

/** The fastest sound measurement (adapt + rank), or undefined when none is sound. */
export function fastest(measurements: readonly BackendMeasurement[]): BackendMeasurement | undefined {
  const cost = (m: BackendMeasurement): number => (m.adaptMs ?? Infinity) + (m.rankMs ?? Infinity);
  return measurements.filter((m) => m.ok).sort((a, b) => cost(a) - cost(b))[0];
}

const asAttempts = (measurements: readonly BackendMeasurement[]): BackendAttempt[] =>
  measurements.map((m) => (m.ok ? { name: m.backend, ok: true, ms: m.firstMs } : { name: m.backend, ok: false, reason: m.reason ?? 'refused', ms: m.firstMs }));

/**
 * `'auto'`: the cached choice for this bundle version and device when it still
 * starts, else a fresh measurement; then switches tfjs to the winner (the
 * engine adapts with `choice.innerLoop`).
 */
export async function chooseBackend(
  bundle: LoadedBundle,
  candidates: readonly BackendName[],
  wasmPaths: WasmPaths | undefined,
  cache: ChoiceCache | undefined,
  onProgress?: WarmUpListener,
): Promise<{ backend: BackendName; attempts: BackendAttempt[]; choice: BackendChoice }> {
  const starting = (backend: BackendName): void => onProgress?.({ phase: 'warm-up', backend, step: 'start', index: 1, total: 1 });
  const bundleVersion = bundle.manifest.version;
  const device = await describeDevice();
  const known = await cache?.get(bundleVersion, device).catch(() => undefined);
  if (known && candidates.includes(known.backend)) {
    starting(known.backend);
    const started = await selectBackend([known.backend], wasmPaths).catch(() => null);
    if (started) return { ...started, choice: { ...known, cached: true } };
  }
  const measurements = await measureBackends(bundle, candidates, wasmPaths, onProgress);
  const best = fastest(measurements);
  if (!best) throw new BackendError(`no backend is usable for this model (${measurements.map((m) => `${m.backend}: ${m.reason}`).join('; ')})`);
  starting(best.backend);
  const { backend } = await selectBackend([best.backend], wasmPaths);
  const choice: BackendChoice = { backend, innerLoop: best.innerLoop ?? defaultInnerLoop(backend), cached: false, bundleVersion, device, measuredAt: Date.now(), measurements };
  await cache?.put(choice).catch(() => undefined);
  return { backend, attempts: asAttempts(measurements), choice };
}
