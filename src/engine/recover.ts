import * as tf from '@tensorflow/tfjs';
import type { BackendAttempt, BackendName } from './backends.js';
import type { Engine } from './engine.js';

/** Says why the GPU under the running backend is gone, or null while it is fine. */
export type LossProbe = () => string | null;

interface GpuBackendLike {
  readonly gpgpu?: { readonly gl?: { isContextLost(): boolean } };
  readonly device?: { readonly lost?: Promise<{ readonly reason?: string; readonly message?: string }> };
}

/**
 * Watches the running backend's GPU. A WebGL context is lost on a driver
 * reset, when a mobile browser reclaims it, or through WEBGL_lose_context; a
 * WebGPU device on `destroy()` or a GPU process crash. tfjs does not notice:
 * its ops then throw or silently read back zeros, so the engine asks after
 * every call. Call while `name` is the running backend.
 */
export function lossProbe(name: BackendName): LossProbe {
  const backend = tf.backend() as unknown as GpuBackendLike;
  if (name === 'webgl') {
    const gl = backend.gpgpu?.gl;
    return () => (gl?.isContextLost() ? 'the WebGL context was lost' : null);
  }
  if (name === 'webgpu') {
    let why: string | null = null;
    void backend.device?.lost?.then((info) => (why = `the WebGPU device was lost (${info.reason ?? 'unknown'}: ${info.message ?? ''})`));
    return () => why;
  }
  return () => null;
}

/** Where to go after losing `lost`: the rest of the preference, then wasm and cpu, which need no GPU. */
export function fallbackOrder(preference: readonly BackendName[], lost: readonly BackendName[]): BackendName[] {
  return [...new Set([...preference, 'wasm', 'cpu'] as BackendName[])].filter((b) => !lost.includes(b));
}

/** A started engine and the probe for its GPU. */
export interface Watched {
  readonly engine: Engine;
  readonly probe: LossProbe;
}

// A lost WebGPU device fails the next readback before its `lost` promise settles: give it a task.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Keeps an engine working when its GPU goes away mid-session: the call that
 * noticed the loss (by an error or by the probe afterwards, whose result is
 * then untrusted) is repeated on an engine built by `restart` on the next
 * backend, with the same adapted params. Other errors pass through unchanged.
 */
export function recoverable(first: Watched, restart: (lost: readonly BackendName[]) => Promise<Watched>): Engine {
  let { engine, probe } = first;
  const lost: BackendName[] = [];
  const attempts: BackendAttempt[] = [...engine.attempts];
  let params: readonly Float32Array[] | null = null; // what scores now; null: θ0

  const recover = async (why: string): Promise<void> => {
    const name = engine.backend;
    lost.push(name);
    attempts.push({ name, ok: false, reason: `lost mid-session: ${why}`, ms: 0 });
    try {
      engine.dispose();
    } catch {
      // Freeing textures of a lost context may throw; they are gone anyway.
    }
    ({ engine, probe } = await restart(lost));
    attempts.push(...engine.attempts);
    if (params) await engine.useParams(params);
  };
  const run = async <R>(call: (e: Engine) => Promise<R>): Promise<R> => {
    for (;;) {
      // Checked first as well: after a loss between calls, tfjs readbacks on a lost WebGL context never settle.
      let why = probe();
      if (why) {
        await recover(why);
        continue;
      }
      try {
        const result = await call(engine);
        why = probe();
        if (!why) return result;
      } catch (error) {
        why = probe() ?? (await settle(), probe());
        if (!why) throw error;
      }
      await recover(why);
    }
  };

  return {
    get backend() {
      return engine.backend;
    },
    get attempts() {
      return attempts;
    },
    get lost() {
      return lost;
    },
    choice: first.engine.choice,
    adapt: async (support, options) => {
      const result = await run((e) => e.adapt(support, options));
      if (result.applied) params = result.params;
      return result;
    },
    useParams: async (values) => {
      params = values;
      await run((e) => e.useParams(values));
    },
    top: (k, exclude) => run((e) => e.top(k, exclude)),
    scoreRows: (rows) => run((e) => e.scoreRows(rows)),
    embeddings: (rows) => run((e) => e.embeddings(rows)),
    memory: () => run((e) => e.memory()),
    dispose: () => engine.dispose(),
  };
}
