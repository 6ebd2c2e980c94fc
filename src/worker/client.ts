import type { LoadedBundle } from '../bundle/read.js';
import type { BackendAttempt, BackendName } from '../engine/backends.js';
import type { BackendChoice, Engine, EngineMemory, WarmUpProgress } from '../engine/engine.js';
import { BackendError } from '../errors.js';
import { fromWire, type EngineMethod, type WorkerInit, type WorkerReply } from './protocol.js';

export interface WorkerEngineOptions extends Omit<WorkerInit, 'type' | 'bundle'> {
  /** The worker script (dist/attune.worker.js), absolute or relative to the page. */
  readonly url: string | URL;
  /** How long the script may take to load before attune gives up on the worker. */
  readonly loadTimeoutMs?: number;
  /** Warm-up steps the worker reports while it builds the engine. */
  readonly onProgress?: (progress: WarmUpProgress) => void;
}

/** Waits for the worker's first reply of one of `types`; rejects on a load error or after `timeoutMs`. */
function firstReply(worker: Worker, types: readonly WorkerReply['type'][], timeoutMs: number): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
    };
    const onMessage = (event: MessageEvent<WorkerReply>): void => {
      if (!types.includes(event.data.type)) return;
      done();
      resolve(event.data);
    };
    const onError = (event: Event): void => {
      done();
      event.preventDefault(); // handled: keep it out of the page's console as an uncaught error
      const detail = (event as ErrorEvent).message;
      reject(new BackendError(`attune's worker failed to load${detail ? `: ${detail}` : ' (missing file, wrong MIME type, or blocked by the Content-Security-Policy worker-src)'}`));
    };
    const timer = setTimeout(() => (done(), reject(new BackendError(`attune's worker did not start within ${timeoutMs} ms`))), timeoutMs);
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
  });
}

/**
 * Starts attune's worker and builds the engine inside it. The returned
 * Engine forwards every call; results and errors come back as on the page.
 * Rejects (and terminates the worker) when the script does not load or the
 * engine cannot start, so the caller can fall back to running inline.
 */
export async function createWorkerEngine(bundle: LoadedBundle, options: WorkerEngineOptions): Promise<Engine> {
  const { url, loadTimeoutMs = 15_000, onProgress, ...init } = options;
  let worker: Worker;
  try {
    worker = new Worker(url, { type: 'module', name: 'attune' });
  } catch (error) {
    throw new BackendError(`attune's worker could not be created (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const progress = (event: MessageEvent<WorkerReply>): void => {
    if (event.data.type === 'progress') onProgress?.(event.data.progress);
  };
  try {
    await firstReply(worker, ['loaded'], loadTimeoutMs);
    worker.addEventListener('message', progress);
    worker.postMessage({ ...init, type: 'init', bundle } satisfies WorkerInit);
    const ready = await firstReply(worker, ['ready', 'failed'], 24 * 3600_000);
    worker.removeEventListener('message', progress);
    if (ready.type === 'failed') throw fromWire(ready.error);
    if (ready.type !== 'ready') throw new BackendError('unexpected reply from the worker');
    return proxy(worker, ready.backend, ready.attempts, ready.choice);
  } catch (error) {
    worker.terminate();
    throw error;
  }
}

function proxy(worker: Worker, first: BackendName, startAttempts: readonly BackendAttempt[], choice: BackendChoice | null): Engine {
  let backend = first;
  let attempts = startAttempts;
  let lost: readonly BackendName[] = [];
  let nextId = 1;
  let crashed: BackendError | null = null;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    backend = reply.backend;
    lost = reply.lost;
    if (reply.attempts) attempts = reply.attempts;
    if (reply.type === 'result') waiter?.resolve(reply.value);
    else waiter?.reject(fromWire(reply.error));
  });
  // A worker that dies later (out of memory, a crashed GPU process) fails every call instead of hanging it.
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    crashed = new BackendError(`attune's worker stopped: ${(event as ErrorEvent).message || 'unknown error'}`);
    for (const waiter of pending.values()) waiter.reject(crashed);
    pending.clear();
  });
  const call = <T>(method: EngineMethod, ...args: unknown[]): Promise<T> => {
    if (crashed) return Promise.reject(crashed);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ type: 'call', id, method, args });
    });
  };
  return {
    get backend() {
      return backend;
    },
    get lost() {
      return lost;
    },
    get attempts() {
      return attempts;
    },
    choice,
    adapt: (support, options) => call('adapt', support, options),
    useParams: (values) => call('useParams', values),
    top: (k, exclude) => call('top', k, exclude),
    scoreRows: (rows) => call('scoreRows', rows),
    embeddings: (rows) => call('embeddings', rows),
    memory: () => call<EngineMemory>('memory'),
    dispose: () => {
      // Free the tensors first (a GPU backend's memory is not the worker's heap), then end the worker.
      const end = (): void => worker.terminate();
      call('dispose').then(end, end);
    },
  };
}
