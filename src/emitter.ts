import type { AttuneError } from './errors.js';
import type { PersonalizerEvents } from './personalizer.js';

type Listener = (payload: never) => void;

/**
 * A tiny event emitter that never lets a listener's exception reach the host
 * page. `error` events raised before anyone listens (e.g. the memory fallback
 * during `createPersonalizer`) are kept and handed to the first error listener.
 */
export class Emitter {
  readonly #listeners = new Map<keyof PersonalizerEvents, Set<Listener>>();
  #pendingErrors: AttuneError[] = [];

  on<K extends keyof PersonalizerEvents>(type: K, listener: (payload: PersonalizerEvents[K]) => void): () => void {
    const set = this.#listeners.get(type) ?? new Set<Listener>();
    this.#listeners.set(type, set.add(listener as Listener));
    if (type === 'error' && this.#pendingErrors.length > 0) {
      const pending = this.#pendingErrors;
      this.#pendingErrors = [];
      queueMicrotask(() => pending.forEach((e) => this.emit('error', e)));
    }
    return () => void set.delete(listener as Listener);
  }

  emit<K extends keyof PersonalizerEvents>(type: K, payload: PersonalizerEvents[K]): void {
    const set = this.#listeners.get(type);
    if (type === 'error' && (!set || set.size === 0)) {
      if (this.#pendingErrors.length < 20) this.#pendingErrors.push(payload as AttuneError);
      return;
    }
    for (const listener of [...(set ?? [])]) {
      try {
        (listener as (p: PersonalizerEvents[K]) => void)(payload);
      } catch {
        // A broken listener is the host page's bug; it must not break attune or the page.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
    this.#pendingErrors = [];
  }
}
