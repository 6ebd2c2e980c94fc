import * as tf from '@tensorflow/tfjs';
import { BackendError, InvalidInputError } from '../errors.js';
import { prepareBackend, verifyBackend } from './prepare.js';
import type { WasmPaths } from './wasm-paths.js';

/** The backends attune can run on, fastest-to-start-with first. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** A TensorFlow.js backend attune can run on: `'webgpu'`, `'webgl'`, `'wasm'` or `'cpu'`. */
export type BackendName = (typeof BACKEND_NAMES)[number];
/** `'auto'` tries every backend in BACKEND_NAMES order; a list is tried in the given order. */
export type BackendPreference = 'auto' | BackendName | readonly BackendName[];

/** What happened when one backend was tried (for diagnostics). */
export interface BackendAttempt {
  /** The backend tried. */
  readonly name: BackendName;
  /** True when it started and passed the check. */
  readonly ok: boolean;
  /** Why it was refused, when it was. */
  readonly reason?: string;
  /** Time spent trying it, in ms. */
  readonly ms: number;
}

const isBackendName = (value: unknown): value is BackendName => (BACKEND_NAMES as readonly unknown[]).includes(value);

/** The order in which to try backends; throws an InvalidInputError for anything unknown. */
export function backendOrder(preference: unknown = 'auto'): BackendName[] {
  if (preference === 'auto') return [...BACKEND_NAMES];
  if (isBackendName(preference)) return [preference];
  if (Array.isArray(preference) && preference.length > 0 && preference.every(isBackendName)) return [...new Set(preference)];
  // Described without JSON.stringify or String(): a BigInt or a hostile object must not turn a bad option into a TypeError.
  const shown = typeof preference === 'string' ? JSON.stringify(preference.slice(0, 40)) : Array.isArray(preference) ? 'that list' : typeof preference;
  throw new InvalidInputError('backend', `${shown} is not valid; valid: 'auto', one of ${BACKEND_NAMES.join(', ')}, or a non-empty list of them`);
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Makes `name` the running tfjs backend or throws why not. `setBackend` fails
 * two ways (BROWSER-TESTING.md defect 5): it throws for an unregistered
 * backend and resolves `false` when initialization fails; both are failures.
 */
async function activate(name: BackendName, wasmPaths: WasmPaths | undefined): Promise<void> {
  await prepareBackend(name, wasmPaths);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new Error(`tf.setBackend threw: ${message(error)}`);
  }
  if (!ok) throw new Error('tf.setBackend returned false (initialization failed)');
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`tfjs runs ${tf.getBackend()} instead`);
  await verifyBackend(name);
}

async function trySequence(order: readonly BackendName[], wasmPaths: WasmPaths | undefined): Promise<{ backend: BackendName; attempts: BackendAttempt[] }> {
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const start = performance.now();
    try {
      await activate(name, wasmPaths);
      attempts.push({ name, ok: true, ms: performance.now() - start });
      return { backend: name, attempts };
    } catch (error) {
      attempts.push({ name, ok: false, reason: message(error), ms: performance.now() - start });
    }
  }
  const why = attempts.map((a) => `${a.name}: ${a.reason}`).join('; ');
  throw new BackendError(`no backend could start (${why})`);
}

// tfjs has one global engine per page (or worker): two switches must never
// overlap, and no op may run before `tf.ready()` settles (defect 5), so every
// switch goes through this chain.
let switching: Promise<unknown> = Promise.resolve();

/**
 * Switches tfjs to the first backend in `order` that initializes and passes a
 * numeric sanity check. Since tfjs has a single engine, one page runs one
 * backend: a later call with another preference switches everyone.
 */
export function selectBackend(order: readonly BackendName[], wasmPaths?: WasmPaths): Promise<{ backend: BackendName; attempts: BackendAttempt[] }> {
  const run = switching.then(() => trySequence(order, wasmPaths));
  switching = run.catch(() => undefined);
  return run;
}

/**
 * Makes `name` the running backend and runs `body` on it before any other
 * switch may start (the `'auto'` measurement of one candidate). Rejects with
 * why `name` could not start, or with whatever `body` threw.
 */
export function onBackend<T>(name: BackendName, wasmPaths: WasmPaths | undefined, body: () => Promise<T>): Promise<T> {
  const run = switching.then(async () => {
    await activate(name, wasmPaths);
    return body();
  });
  switching = run.catch(() => undefined);
  return run;
}

/** Runs `body` after any pending backend switch, so no op lands mid-switch. */
export function afterSwitch<T>(body: () => Promise<T>): Promise<T> {
  return switching.then(body);
}
