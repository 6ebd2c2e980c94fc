import type { LoadedBundle } from '../bundle/read.js';
import type { BackendAttempt, BackendName } from '../engine/backends.js';
import type { BackendChoice, WarmUpProgress } from '../engine/auto.js';
import { AttuneError, BackendError, BundleError, DisposedError, InvalidInputError, StorageError, type BundleErrorCode } from '../errors.js';
import type { WasmPaths } from '../engine/wasm-paths.js';

/**
 * The messages between the page and attune's worker. Everything is plain
 * data (structured clone); the engine's methods map one to one onto calls.
 */

/** What the worker needs to build its engine. URLs are absolute: the worker resolves relative ones against its own script. */
export interface WorkerInit {
  readonly type: 'init';
  readonly bundle: LoadedBundle;
  readonly backend: readonly BackendName[];
  readonly choose: 'first' | 'fastest';
  readonly wasmPaths?: WasmPaths;
  /** IndexedDB name for the `'auto'` choice cache; absent: no cache. */
  readonly cacheDb?: string;
}

export type EngineMethod = 'adapt' | 'useParams' | 'top' | 'scoreRows' | 'embeddings' | 'memory' | 'dispose';

export interface WorkerCall {
  readonly type: 'call';
  readonly id: number;
  readonly method: EngineMethod;
  readonly args: readonly unknown[];
}

/** An error as it crosses the boundary; turned back into the same AttuneError class on the page. */
export interface WireError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

export type WorkerReply =
  | { readonly type: 'loaded' }
  | { readonly type: 'progress'; readonly progress: WarmUpProgress }
  | { readonly type: 'ready'; readonly backend: BackendName; readonly attempts: readonly BackendAttempt[]; readonly choice: BackendChoice | null }
  | { readonly type: 'failed'; readonly error: WireError }
  | { readonly type: 'result'; readonly id: number; readonly backend: BackendName; readonly lost: readonly BackendName[]; readonly attempts?: readonly BackendAttempt[]; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly backend: BackendName; readonly lost: readonly BackendName[]; readonly attempts?: readonly BackendAttempt[]; readonly error: WireError };

export function toWire(error: unknown): WireError {
  if (error instanceof InvalidInputError) return { name: error.name, code: error.code, message: error.message, field: error.field };
  if (error instanceof AttuneError) return { name: error.name, code: error.code, message: error.message };
  const text = error instanceof Error ? error.message : String(error);
  return { name: 'BackendError', code: 'backend-unavailable', message: `the engine failed: ${text}` };
}

/** The AttuneError subclass the worker threw, rebuilt on the page (so `instanceof` and `code` work as inline). */
export function fromWire(wire: WireError): AttuneError {
  let error: AttuneError;
  if (wire.name === 'BackendError') error = new BackendError(wire.message);
  else if (wire.name === 'BundleError') error = new BundleError(wire.code as BundleErrorCode, wire.message);
  else if (wire.name === 'StorageError') error = new StorageError(wire.message);
  else if (wire.name === 'DisposedError') error = new DisposedError();
  else if (wire.name === 'InvalidInputError') error = new InvalidInputError(wire.field ?? 'input', '');
  else error = new AttuneError(wire.code, wire.message);
  error.message = wire.message;
  return error;
}
