import { loadBundle, type BundleProgress } from './bundle/read.js';
import type { Manifest } from './bundle/format.js';
import type { BackendAttempt, BackendName, BackendPreference } from './engine/backends.js';
import type { BackendChoice, Engine, EngineMemory } from './engine/engine.js';
import { buildSupport, supportFingerprint } from './engine/support.js';
import { defaultWasmPaths, type WasmPaths } from './engine/wasm-paths.js';
import { AttuneError, DisposedError, InvalidInputError } from './errors.js';
import { Emitter } from './emitter.js';
import { validateEvent, validateItemIds, validateOptions, validateRecommendOptions, type RatingScale, type StoredEvent, type TrackEvent } from './events.js';
import { openStore } from './store/open.js';
import type { AdaptationInfo, Retention, StorageKind, Store } from './store/types.js';
import { startEngine, type EngineMode, type StartedEngine } from './worker/start.js';

export interface PersonalizerOptions {
  /** URL of the bundle folder (manifest.json, weights.bin, items.bin). */
  readonly bundle: string;
  /**
   * `'auto'` (default): on first use, measure this bundle's adapt + rank on
   * every backend that starts and keep the fastest numerically sound one
   * (cached in IndexedDB per bundle version and device). A name or a list:
   * the first of them that starts and passes a numeric check.
   */
  readonly backend?: BackendPreference;
  /**
   * Run the engine (TensorFlow.js) in a dedicated Web Worker, so adaptation
   * and ranking never block the page. Default true; attune falls back to the
   * page's thread when workers are unavailable or the worker script cannot
   * load (`diagnostics().workerFallback` says why). `false` runs inline.
   */
  readonly worker?: boolean;
  /** URL of `attune.worker.js`. Default: next to the attune script (where the build puts it). */
  readonly workerUrl?: string | URL;
  /** Where events live. Default `'indexeddb'`; without IndexedDB attune falls back to memory and reports an `error` event (`storage-failed`). */
  readonly storage?: StorageKind;
  /** IndexedDB database name, default `'attune'`: give two shops on one origin different names. */
  readonly dbName?: string;
  /** Where tfjs-backend-wasm's `.wasm` files are served: a directory URL or a map file name → URL. Default: next to the attune script. */
  readonly wasmPaths?: WasmPaths;
  /** How much history the device keeps; default 5000 events (oldest timestamps go first) / 365 days since stored. */
  readonly retention?: Retention;
  /** Fetch used for the bundle (injectable for tests). */
  readonly fetch?: typeof fetch;
  readonly onProgress?: (progress: BundleProgress) => void;
}

export interface Recommendation {
  readonly itemId: string;
  /** Higher is better. Rating bundles: the predicted rating; implicit bundles: a logit. */
  readonly score: number;
}

export interface PersonalizerStats {
  /** Events stored on this device. */
  readonly events: number;
  readonly lastAdaptation: AdaptationInfo | null;
  readonly backend: BackendName;
  /** Where the events are kept (memory after an IndexedDB failure). */
  readonly storage: StorageKind;
}

/** What runs where, how the backend was chosen, and the engine's live memory: for support and tests. */
export interface PersonalizerDiagnostics {
  readonly backend: BackendName;
  /** `'worker'`: attune's dedicated worker; `'inline'`: the page's main thread. */
  readonly mode: EngineMode;
  /** Why the engine runs inline although `worker` was true. */
  readonly workerFallback?: string;
  /** Every backend tried (or measured), in order, with why it was refused. */
  readonly attempts: readonly BackendAttempt[];
  /** The `'auto'` measurements and choice (null for an explicit backend). */
  readonly choice: BackendChoice | null;
  /** Tensors and bytes alive in the engine's TensorFlow.js (in the worker when `mode` is `'worker'`). */
  readonly memory: EngineMemory;
}

export interface Personalizer {
  /** The tfjs backend that actually runs. */
  readonly backend: BackendName;
  readonly bundleVersion: string;
  /** The item ids of the bundle's catalog. */
  readonly catalog: readonly string[];
  /** Validates the event, then stores it on this device (rejects with InvalidInputError and stores nothing when invalid). */
  track(event: TrackEvent): Promise<void>;
  /** The `k` (default 10) best items for this visitor; `exclude: 'seen'` (default) skips items with any non-impression event. */
  recommend(options?: { k?: number; exclude?: 'seen' | 'none' }): Promise<Recommendation[]>;
  /** The given items, best first. */
  rank(itemIds: readonly string[]): Promise<Recommendation[]>;
  /** Everything stored about the visitor on this device, oldest first. */
  events(): Promise<StoredEvent[]>;
  /** Deletes every stored event and adapted param; recommendations return to the initialization. */
  forget(): Promise<void>;
  stats(): Promise<PersonalizerStats>;
  /** Where the engine runs, the backend measurements behind `'auto'`, and the engine's live tensor count. */
  diagnostics(): Promise<PersonalizerDiagnostics>;
  /** Subscribes to problems attune handled itself (`error`) and to adaptations; returns the unsubscribe function. */
  on<K extends keyof PersonalizerEvents>(type: K, listener: (payload: PersonalizerEvents[K]) => void): () => void;
  /** Frees tensors and closes the database; afterwards every method rejects with DisposedError. */
  dispose(): Promise<void>;
}

/** What `on()` delivers: problems attune handled itself, and finished adaptations. */
export interface PersonalizerEvents {
  error: AttuneError;
  adapted: AdaptationInfo;
}

const asAttuneError = (error: unknown): AttuneError =>
  error instanceof AttuneError ? error : new AttuneError('internal-error', `attune failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, { cause: error });

/**
 * Loads and verifies the bundle, starts a tfjs backend and opens the
 * visitor's event store. Rejects with a typed AttuneError.
 */
export async function createPersonalizer(options: PersonalizerOptions): Promise<Personalizer> {
  try {
    const opts = validateOptions(options);
    const bundle = await loadBundle(opts.bundle, { ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    const emitter = new Emitter();
    const store = await openStore(opts.storage, opts.dbName, opts.retention, (error) => emitter.emit('error', error));
    let started: StartedEngine;
    try {
      started = await startEngine(bundle, {
        backend: opts.backend,
        choose: options.backend === undefined || options.backend === 'auto' ? 'fastest' : 'first',
        wasmPaths: opts.wasmPaths ?? defaultWasmPaths(),
        cacheDb: store.kind === 'indexeddb' ? opts.dbName : undefined,
        ...workerOptions(options),
      });
    } catch (error) {
      store.close();
      throw error;
    }
    const personalizer = new Session(bundle.manifest, started, store, emitter);
    await personalizer.syncHistory().catch((error: unknown) => (personalizer.dispose(), Promise.reject(error)));
    return personalizer;
  } catch (error) {
    throw asAttuneError(error);
  }
}

function workerOptions(options: PersonalizerOptions): { worker: boolean; workerUrl: string | URL | undefined } {
  const { worker = true, workerUrl } = options;
  if (typeof worker !== 'boolean') throw new InvalidInputError('worker', `must be true or false, got ${typeof worker}`);
  if (workerUrl !== undefined && typeof workerUrl !== 'string' && !(typeof URL !== 'undefined' && workerUrl instanceof URL)) {
    throw new InvalidInputError('workerUrl', `must be a URL string or a URL, got ${typeof workerUrl}`);
  }
  return { worker, workerUrl };
}

/** One visitor's personalizer: the public object behind `createPersonalizer`. */
class Session implements Personalizer {
  readonly bundleVersion: string;
  readonly catalog: readonly string[];
  readonly #rows: ReadonlyMap<string, number>;
  readonly #ratingScale: RatingScale | undefined;
  // Mirror of the visitor's history: item → whether any non-impression event exists.
  readonly #history = new Map<string, boolean>();
  #lastId = 0;
  #fingerprint: string | null = null;
  #lastAdaptation: AdaptationInfo | null = null;
  #disposed = false;
  // Adaptation and scoring run one at a time (they swap the engine's params).
  #queue: Promise<unknown> = Promise.resolve();

  readonly #manifest: Manifest;
  readonly #engine: Engine;
  readonly #started: StartedEngine;
  readonly #store: Store;
  readonly #emitter: Emitter;

  constructor(manifest: Manifest, started: StartedEngine, store: Store, emitter: Emitter) {
    this.#manifest = manifest;
    this.#engine = started.engine;
    this.#started = started;
    this.#store = store;
    this.#emitter = emitter;
    this.bundleVersion = manifest.version;
    this.catalog = Object.freeze([...manifest.catalog.ids]);
    this.#rows = new Map(manifest.catalog.ids.map((id, row) => [id, row]));
    const { ratingMin: min, ratingMax: max } = manifest.model;
    this.#ratingScale = min !== undefined && max !== undefined ? { min, max } : undefined;
  }

  get backend(): BackendName {
    return this.#engine.backend;
  }

  #guard<T>(body: () => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new DisposedError());
    return body().catch((error: unknown) => Promise.reject(asAttuneError(error)));
  }

  #exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(body);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #remember(event: StoredEvent): void {
    if (!this.#rows.has(event.itemId)) return;
    this.#history.set(event.itemId, this.#history.get(event.itemId) === true || event.type !== 'impression');
    this.#lastId = Math.max(this.#lastId, event.id);
  }

  /** Reloads the history mirror from storage (at start, and when another tab wrote events). */
  async syncHistory(): Promise<void> {
    this.#history.clear();
    for (const event of await this.#store.events.all()) this.#remember(event);
  }

  track(event: TrackEvent): Promise<void> {
    return this.#guard(async () => {
      const valid = validateEvent(event, this.#rows, Date.now(), this.#ratingScale);
      this.#remember(await this.#store.events.add(valid));
    });
  }

  recommend(options?: { k?: number; exclude?: 'seen' | 'none' }): Promise<Recommendation[]> {
    return this.#guard(async () => {
      const { k, exclude } = validateRecommendOptions(options, this.catalog.length);
      return this.#exclusive(async () => {
        await this.#refresh();
        const seen = exclude === 'seen' ? this.#rowsWhere((nonImpression) => nonImpression) : new Set<number>();
        const top = await this.#engine.top(k, seen);
        return top.rows.map((row, i) => ({ itemId: this.catalog[row]!, score: top.scores[i]! }));
      });
    });
  }

  rank(itemIds: readonly string[]): Promise<Recommendation[]> {
    return this.#guard(async () => {
      const ids = validateItemIds(itemIds, this.#rows);
      return this.#exclusive(async () => {
        await this.#refresh();
        const scores = await this.#engine.scoreRows(ids.map((id) => this.#rows.get(id)!));
        return ids.map((itemId, i) => ({ itemId, score: scores[i]! })).sort((a, b) => b.score - a.score);
      });
    });
  }

  events(): Promise<StoredEvent[]> {
    return this.#guard(() => this.#store.events.all());
  }

  forget(): Promise<void> {
    return this.#guard(() =>
      this.#exclusive(async () => {
        await this.#store.clear();
        this.#history.clear();
        await this.#engine.useParams(null);
        this.#fingerprint = null;
        this.#lastAdaptation = null;
      }),
    );
  }

  stats(): Promise<PersonalizerStats> {
    return this.#guard(async () => ({
      events: await this.#store.events.count(),
      lastAdaptation: this.#lastAdaptation,
      backend: this.backend,
      storage: this.#store.kind,
    }));
  }

  diagnostics(): Promise<PersonalizerDiagnostics> {
    return this.#guard(async () => {
      const { mode, workerFallback } = this.#started;
      const { attempts, choice } = this.#engine;
      const memory = await this.#engine.memory();
      return { backend: this.backend, mode, ...(workerFallback === undefined ? {} : { workerFallback }), attempts, choice, memory };
    });
  }

  on<K extends keyof PersonalizerEvents>(type: K, listener: (payload: PersonalizerEvents[K]) => void): () => void {
    return this.#emitter.on(type, listener);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#queue;
    this.#engine.dispose();
    this.#store.close();
    this.#emitter.clear();
  }

  #rowsWhere(test: (nonImpression: boolean) => boolean): Set<number> {
    const rows = new Set<number>();
    for (const [id, nonImpression] of this.#history) if (test(nonImpression)) rows.add(this.#rows.get(id)!);
    return rows;
  }

  /** Lazy adaptation: re-adapts only when the support events changed since the last time. */
  async #refresh(): Promise<void> {
    const events = await this.#store.events.recent(this.#manifest.inner.maxSupport);
    if (events.some((e) => e.id > this.#lastId)) await this.syncHistory(); // another tab wrote events
    const fingerprint = supportFingerprint(events, this.#history.size);
    if (fingerprint === this.#fingerprint) return;
    const info = events.length === 0 ? null : ((await this.#fromCache(fingerprint)) ?? (await this.#adapt(events, fingerprint)));
    if (!info) await this.#engine.useParams(null);
    this.#fingerprint = fingerprint;
    this.#lastAdaptation = info;
    if (info) this.#emitter.emit('adapted', info);
  }

  async #fromCache(fingerprint: string): Promise<AdaptationInfo | null> {
    try {
      const record = await this.#store.adapted.get(this.bundleVersion);
      if (record?.fingerprint !== fingerprint) return null;
      await this.#engine.useParams(record.params);
      return { ...record.info, cached: true };
    } catch (error) {
      // A stale or unreadable cache only costs a re-adaptation.
      this.#emitter.emit('error', asAttuneError(error));
      return null;
    }
  }

  async #adapt(events: readonly StoredEvent[], fingerprint: string): Promise<AdaptationInfo | null> {
    const support = buildSupport(events, this.#manifest, this.#rows, this.#rowsWhere(() => true));
    if (support.items.length === 0) return null;
    const result = await this.#engine.adapt(support);
    if (!result.applied) {
      this.#emitter.emit('error', new AttuneError('adaptation-unsound', 'adaptation diverged (non-finite values or a growing loss on the visitor\'s own events); recommendations use the initialization'));
      await this.#engine.useParams(null);
      return null;
    }
    const { ms, steps, supportSize, lossBefore, lossAfter } = result;
    const info: AdaptationInfo = { ms, steps, supportSize, lossBefore, lossAfter, at: Date.now(), cached: false };
    await this.#store.adapted
      .put({ bundleVersion: this.bundleVersion, fingerprint, params: result.params, info })
      .catch((error: unknown) => this.#emitter.emit('error', asAttuneError(error)));
    return info;
  }
}
