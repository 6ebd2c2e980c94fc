import type { BackendAttempt } from '../engine/backends.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { createChoiceCache } from '../store/backend-choice.js';
import { toWire, type WorkerCall, type WorkerInit, type WorkerReply } from './protocol.js';

/**
 * attune's dedicated worker: builds the engine from the page's `init`
 * message, then answers calls. The page keeps the event store and the public
 * API; only tensors live here, so adaptation and ranking never block the page.
 */
interface Scope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerInit | WorkerCall>) => void) | null;
}
const scope = globalThis as unknown as Scope;

let engine: Engine | null = null;

async function init(message: WorkerInit): Promise<void> {
  try {
    const cache = message.cacheDb === undefined ? undefined : createChoiceCache(message.cacheDb);
    engine = await createEngine(message.bundle, {
      backend: message.backend,
      choose: message.choose,
      ...(message.wasmPaths === undefined ? {} : { wasmPaths: message.wasmPaths }),
      ...(cache ? { cache } : {}),
      onProgress: (progress) => scope.postMessage({ type: 'progress', progress }),
    });
    scope.postMessage({ type: 'ready', backend: engine.backend, attempts: engine.attempts, choice: engine.choice });
  } catch (error) {
    scope.postMessage({ type: 'failed', error: toWire(error) });
  }
}

/** After a backend was lost, every attempt so far (the page's `diagnostics()` lists the loss too); before, nothing extra. */
const afterLoss = (target: Engine): { attempts?: readonly BackendAttempt[] } => (target.lost?.length ? { attempts: target.attempts } : {});

async function call(message: WorkerCall): Promise<void> {
  const { id, method, args } = message;
  try {
    if (!engine) throw new Error('the engine is not ready');
    const target = engine;
    const value: unknown =
      method === 'dispose' ? (target.dispose(), (engine = null), undefined) : await (target[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    // Copied, never transferred: on the cpu backend `data()` hands out the tensor's own storage.
    scope.postMessage({ type: 'result', id, backend: target.backend, lost: target.lost ?? [], ...afterLoss(target), value });
  } catch (error) {
    scope.postMessage({ type: 'error', id, backend: engine?.backend ?? 'cpu', lost: engine?.lost ?? [], ...(engine ? afterLoss(engine) : {}), error: toWire(error) });
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') void init(message);
  else void call(message);
};
scope.postMessage({ type: 'loaded' });
