import type { LoadedBundle } from '../bundle/read.js';
import type { BackendName } from '../engine/backends.js';
import { createEngine, type Engine, type WarmUpProgress } from '../engine/engine.js';
import { defaultWasmPaths, type WasmPaths } from '../engine/wasm-paths.js';
import { createChoiceCache } from '../store/backend-choice.js';
import { createWorkerEngine } from './client.js';

/** Where the engine runs: attune's dedicated worker, or the page's own thread. */
export type EngineMode = 'worker' | 'inline';

export interface StartOptions {
  readonly backend: readonly BackendName[];
  readonly choose: 'first' | 'fastest';
  readonly wasmPaths: WasmPaths | undefined;
  /** IndexedDB name for the `'auto'` choice cache (absent: none). */
  readonly cacheDb: string | undefined;
  readonly worker: boolean;
  readonly workerUrl: string | URL | undefined;
  /** Warm-up steps; after a worker fallback the inline engine reports its own from the start. */
  readonly onProgress?: ((progress: WarmUpProgress) => void) | undefined;
}

export interface StartedEngine {
  readonly engine: Engine;
  readonly mode: EngineMode;
  /** Why the engine runs inline although a worker was asked for. */
  readonly workerFallback?: string;
}

/**
 * The worker script's default place: next to the attune script, like the
 * `.wasm` files. Under Vite's dev server (the demo, `npm start`) attune runs
 * from source, so the worker is its TypeScript entry, which Vite serves as a
 * module. `import.meta.env.DEV` is replaced by `false` in every build.
 */
export function defaultWorkerUrl(): string | undefined {
  if ((import.meta as { env?: { DEV?: boolean } }).env?.DEV) {
    // Through a variable: bundlers rewrite the literal `new URL('…', import.meta.url)` into an asset.
    const here = import.meta.url;
    return new URL('./entry.ts', here).href;
  }
  const base = defaultWasmPaths();
  return typeof base === 'string' ? new URL('attune.worker.js', base).href : undefined;
}

const pageBase = (): string | undefined => (globalThis as { location?: { href?: string } }).location?.href;

/** Absolute URLs: the worker resolves relative ones against its own script, not the page. */
function absolute(paths: WasmPaths | undefined): WasmPaths | undefined {
  const base = pageBase();
  if (paths === undefined || base === undefined) return paths;
  if (typeof paths === 'string') return new URL(paths, base).href;
  return Object.fromEntries(Object.entries(paths).map(([file, url]) => [file, new URL(url, base).href]));
}

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Starts the engine in attune's worker when asked and possible, else inline.
 * A worker that cannot load (no Worker here, missing file, CSP) or cannot
 * start a backend falls back to inline, and the reason is kept for diagnostics.
 */
export async function startEngine(bundle: LoadedBundle, options: StartOptions): Promise<StartedEngine> {
  const { backend, choose, cacheDb } = options;
  const onProgress = options.onProgress ? { onProgress: options.onProgress } : {};
  const wasmPaths = absolute(options.wasmPaths);
  let workerFallback: string | undefined;
  if (options.worker) {
    const url = options.workerUrl ?? defaultWorkerUrl();
    if (typeof Worker === 'undefined') workerFallback = 'Web Workers are not available here';
    else if (url === undefined) workerFallback = 'the worker script URL is unknown: pass `workerUrl`';
    else {
      try {
        const base = pageBase();
        const href = base === undefined ? String(url) : new URL(String(url), base).href;
        const engine = await createWorkerEngine(bundle, { url: href, backend, choose, ...(wasmPaths === undefined ? {} : { wasmPaths }), ...(cacheDb === undefined ? {} : { cacheDb }), ...onProgress });
        return { engine, mode: 'worker' };
      } catch (error) {
        workerFallback = why(error);
      }
    }
  }
  const cache = cacheDb === undefined ? undefined : createChoiceCache(cacheDb);
  const engine = await createEngine(bundle, { backend, choose, ...(wasmPaths === undefined ? {} : { wasmPaths }), ...(cache ? { cache } : {}), ...onProgress });
  return workerFallback === undefined ? { engine, mode: 'inline' } : { engine, mode: 'inline', workerFallback };
}
