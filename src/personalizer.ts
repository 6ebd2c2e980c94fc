import { bundleCache, deleteBundleCache } from './bundle/cache.js';
import { checkIntegrity, checkTimeout } from './bundle/fetch.js';
import { loadBundle, type BundleProgress } from './bundle/read.js';
import type { Manifest } from './bundle/format.js';
import type { BackendAttempt, BackendName, BackendPreference } from './engine/backends.js';
import type { AdaptCheckOptions, BackendChoice, Engine, EngineMemory } from './engine/engine.js';
import { refusalReason } from './engine/held-out.js';
import { buildSupport, supportFingerprint } from './engine/support.js';
import { defaultWasmPaths, type WasmPaths } from './engine/wasm-paths.js';
import { AttuneError, DisposedError, InvalidInputError } from './errors.js';
import { Emitter } from './emitter.js';
import { explainItem, validateExplainOptions, type Explanation, type ExplainOptions } from './explain.js';
import { checkItemId, validateEvent, validateItemIds, validateOptions, validateRecommendOptions, type RatingScale, type StoredEvent, type TrackEvent } from './events.js';
import { forgetOnDevice, openStore } from './store/open.js';
import { exportVisitorData, type VisitorData } from './store/export.js';
import type { AdaptationInfo, Retention, StorageKind, Store } from './store/types.js';
import { startEngine, type EngineMode, type StartedEngine } from './worker/start.js';
import type { WarmUpProgress } from './engine/auto.js';

/**
 * What `onProgress` receives while `createPersonalizer` works, in this order:
 * `'bundle'` once per downloaded file, `'warm-up'` for each backend measured or
 * started, then `'ready'` once with the backend that runs. Switch on `phase`.
 *
 * @example
 * const describe = (p: PersonalizerProgress): string =>
 *   p.phase === 'bundle' ? `Loading ${p.file} (${p.filesDone}/${p.filesTotal})`
 *   : p.phase === 'warm-up' ? `${p.step === 'measure' ? 'Measuring' : 'Starting'} ${p.backend} (${p.index}/${p.total})`
 *   : `Ready on ${p.backend}`;
 */
export type PersonalizerProgress = BundleProgress | WarmUpProgress | ReadyProgress;

/**
 * The last progress report of `createPersonalizer`: the engine runs.
 *
 * @example
 * onProgress: (p) => { if (p.phase === 'ready') status.textContent = `Running on ${p.backend} (${p.mode})`; }
 */
export interface ReadyProgress {
  /** Always `'ready'`. */
  readonly phase: 'ready';
  /** The backend that runs the engine (as `personalizer.backend`). */
  readonly backend: BackendName;
  /** Where the engine runs: `'worker'` or `'inline'`. */
  readonly mode: EngineMode;
}

/**
 * Options of `createPersonalizer`; only `bundle` is required.
 *
 * @example
 * await createPersonalizer({ bundle: '/bundles/shop/2026-05/', retention: { maxEvents: 500, maxAgeDays: 90 }, dbName: 'attune-shop-a' });
 */
export interface PersonalizerOptions {
  /**
   * URL of the bundle folder (manifest.json, weights.bin, items.bin).
   *
   * @example
   * await createPersonalizer({ bundle: 'https://cdn.example.com/attune/shop/2026-05/' });
   */
  readonly bundle: string;
  /**
   * `'auto'` (default): on first use, measure this bundle's adapt + rank on
   * every backend that starts and keep the fastest numerically sound one
   * (cached in IndexedDB per bundle version and device). A name or a list:
   * the first of them that starts and passes a numeric check.
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', backend: ['webgl', 'cpu'] });
   */
  readonly backend?: BackendPreference;
  /**
   * Run the engine (TensorFlow.js) in a dedicated Web Worker, so adaptation
   * and ranking never block the page. Default true; attune falls back to the
   * page's thread when workers are unavailable or the worker script cannot
   * load (`diagnostics().workerFallback` says why). `false` runs inline.
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', worker: false });
   */
  readonly worker?: boolean;
  /**
   * URL of `attune.worker.js`. Default: next to the attune script (where the build puts it).
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', workerUrl: '/static/attune/attune.worker.js' });
   */
  readonly workerUrl?: string | URL;
  /**
   * Where events live. Default `'indexeddb'`; without IndexedDB attune falls back to memory and reports an `error` event (`storage-failed`).
   * `'memory'` writes nothing on the device: no offline copy of the bundle and no cached backend choice either.
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', storage: 'memory' });
   */
  readonly storage?: StorageKind;
  /**
   * IndexedDB database name, default `'attune'`: give two shops on one origin different names.
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', dbName: 'attune-outdoor-store' });
   */
  readonly dbName?: string;
  /**
   * Whether attune may write to the device. Default true. `false`: nothing is
   * written anywhere (no IndexedDB, no backend-choice cache); `track()` keeps
   * events in memory for this page's lifetime, so recommendations still adapt
   * within the visit, and everything is gone when the page closes. To start
   * storing after the visitor agrees, create a new personalizer with `consent: true`.
   * Data an earlier visit stored is not read; `forget()` deletes it.
   *
   * @example
   * const p = await createPersonalizer({ bundle: '/bundles/shop/', consent: cookieBanner.accepted('personalization') });
   */
  readonly consent?: boolean;
  /**
   * Where tfjs-backend-wasm's `.wasm` files are served: a directory URL or a map file name → URL. Default: next to the attune script.
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', wasmPaths: 'https://cdn.example.com/attune/0.1.0/' });
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * How much history the device keeps; default 5000 events (oldest timestamps go first) / 365 days since stored.
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', retention: { maxEvents: 1000, maxAgeDays: 30 } });
   */
  readonly retention?: Retention;
  /**
   * Fetch used for the bundle (injectable for tests).
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', fetch: (url, init) => fetch(url, { ...init, cache: 'no-cache' }) });
   */
  readonly fetch?: typeof fetch;
  /**
   * Called as the work of `createPersonalizer` advances: each bundle file as it
   * arrives (`phase: 'bundle'`: file name, files done / total, bytes), each
   * backend measured or started (`'warm-up'`, also from inside the worker), and
   * finally `'ready'` with the backend that runs. See PersonalizerProgress.
   *
   * @example
   * onProgress: (p) => (status.textContent = p.phase === 'bundle' ? `Loading ${p.file} (${p.filesDone}/${p.filesTotal})` : p.phase === 'warm-up' ? `Warming up ${p.backend}` : '')
   */
  readonly onProgress?: (progress: PersonalizerProgress) => void;
  /**
   * Pins the bundle: Subresource Integrity value of manifest.json
   * (`'sha256-<base64>'`; `openssl dgst -sha256 -binary manifest.json | openssl base64 -A`).
   * The manifest holds every other file's SHA-256, so a changed file anywhere
   * is refused (BundleError `bundle-integrity`).
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', integrity: 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' });
   */
  readonly integrity?: string;
  /**
   * How long each bundle file may take before BundleError `bundle-timeout`; default 30000 ms.
   *
   * @example
   * await createPersonalizer({ bundle: '/bundles/shop/', bundleTimeoutMs: 10_000 });
   */
  readonly bundleTimeoutMs?: number;
  /**
   * Safe adaptation (default true): with 8 or more support examples, a quarter
   * of them is held aside, the head adapts on the rest, and the visitor's
   * adapted params are used only if that run is no worse than θ0 on the
   * held-out quarter: ranking (implicit feedback), or squared error at most
   * half again θ0's (ratings, where the quarter is only a few ratings);
   * otherwise θ0 stays and an `adaptation-unsound` error event says so. It
   * costs one more inner loop per adaptation. `false` skips it; finite params
   * and a support loss that did not blow up are required either way
   * (docs/reliability.md › Numerics).
   *
   * @example
   * // A shop that prefers every visitor's own adaptation, held-out check off:
   * const p = await createPersonalizer({ bundle: '/bundles/shop/', heldOutCheck: false });
   */
  readonly heldOutCheck?: boolean;
}

/**
 * One recommended (or ranked) item and its score.
 *
 * @example
 * const [best] = await p.recommend({ k: 1 });
 * console.log(best?.itemId, best?.score);
 */
export interface Recommendation {
  /** An item id from the bundle's catalog. */
  readonly itemId: string;
  /** Higher is better. Rating bundles: the predicted rating; implicit bundles: a logit. */
  readonly score: number;
}

/** What `stats()` reports: cheap, for a status line or a debug panel. */
export interface PersonalizerStats {
  /** Events stored on this device. */
  readonly events: number;
  /** The adaptation behind the current recommendations (null before the first, and after `forget()` / `deleteEvent()`). */
  readonly lastAdaptation: AdaptationInfo | null;
  /** The tfjs backend that runs the engine. */
  readonly backend: BackendName;
  /** Where the events are kept (memory after an IndexedDB failure). */
  readonly storage: StorageKind;
}

/** What runs where, how the backend was chosen, and the engine's live memory: for support and tests. */
export interface PersonalizerDiagnostics {
  /** The tfjs backend that runs the engine. */
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

/**
 * One visitor's personalizer, from `createPersonalizer`. Every method is
 * async and rejects with a typed AttuneError; nothing throws into the page.
 */
export interface Personalizer {
  /** The tfjs backend that actually runs. */
  readonly backend: BackendName;
  /** The bundle's `version` (a content hash): adapted params and the backend choice are cached per version. */
  readonly bundleVersion: string;
  /** The item ids of the bundle's catalog. */
  readonly catalog: readonly string[];
  /**
   * Validates the event, then stores it on this device (rejects with InvalidInputError and stores nothing when invalid).
   *
   * @example
   * button.addEventListener('click', () => p.track({ type: 'add_to_cart', itemId: 'sku-123' }));
   */
  track(event: TrackEvent): Promise<void>;
  /**
   * The `k` (default 10) best items for this visitor; `exclude: 'seen'` (default) skips items with any non-impression event.
   * Adapts first when events were stored since the last adaptation.
   *
   * @example
   * for (const { itemId } of await p.recommend({ k: 8 })) row.append(card(itemId));
   */
  recommend(options?: { k?: number; exclude?: 'seen' | 'none' }): Promise<Recommendation[]>;
  /**
   * The given items, best first (e.g. re-ranking a search result or a category page).
   *
   * @example
   * const ordered = await p.rank(searchResults.map((r) => r.sku));
   */
  rank(itemIds: readonly string[]): Promise<Recommendation[]>;
  /**
   * Everything stored about the visitor on this device, oldest first.
   *
   * @example
   * const history = await p.events();
   * list.replaceChildren(...history.map((e) => row(`${e.type} ${e.itemId}`)));
   */
  events(): Promise<StoredEvent[]>;
  /**
   * Everything attune keeps about the visitor on this device, as JSON-safe data (format: docs/privacy.md).
   *
   * @example
   * const blob = new Blob([JSON.stringify(await p.exportData(), null, 2)], { type: 'application/json' });
   * download.href = URL.createObjectURL(blob);
   */
  exportData(): Promise<VisitorData>;
  /**
   * Why `itemId` is recommended: the visitor's stored events (those the head
   * adapts on) that most support it, by item-embedding similarity × event
   * weight × recency, and a sentence such as "Because you viewed X and added
   * Y to your cart." Rejects with InvalidInputError for an unknown item.
   *
   * @example
   * const why = await p.explain(recs[0].itemId, { label: (id) => products.get(id).name });
   * caption.textContent = why.reason;
   */
  explain(itemId: string, options?: ExplainOptions): Promise<Explanation>;
  /**
   * Deletes one stored event (its `id` from `events()`); resolves false when
   * no event has that id. Params adapted on it are dropped too: the next
   * `recommend()` adapts on what is left.
   *
   * @example
   * const [latest] = (await p.events()).slice(-1);
   * if (latest) await p.deleteEvent(latest.id);
   */
  deleteEvent(id: number): Promise<boolean>;
  /**
   * Deletes every stored event and adapted param; recommendations return to the initialization.
   *
   * @example
   * forgetButton.addEventListener('click', () => p.forget());
   */
  forget(): Promise<void>;
  /**
   * Stored event count, backend, storage kind and the last adaptation (time, steps, loss per step).
   *
   * @example
   * const { lastAdaptation } = await p.stats();
   * if (lastAdaptation) console.log(`${lastAdaptation.ms.toFixed(1)} ms, loss ${lastAdaptation.lossBefore} → ${lastAdaptation.lossAfter}`);
   */
  stats(): Promise<PersonalizerStats>;
  /**
   * Where the engine runs, the backend measurements behind `'auto'`, and the engine's live tensor count.
   *
   * @example
   * const d = await p.diagnostics();
   * console.log(d.backend, d.mode, d.workerFallback ?? '', d.memory.numTensors);
   */
  diagnostics(): Promise<PersonalizerDiagnostics>;
  /**
   * Subscribes to problems attune handled itself (`error`) and to adaptations; returns the unsubscribe function.
   *
   * @example
   * const off = p.on('error', (e) => monitoring.log(e.code)); // codes only: never send the visitor's events
   */
  on<K extends keyof PersonalizerEvents>(type: K, listener: (payload: PersonalizerEvents[K]) => void): () => void;
  /**
   * Frees tensors and closes the database; afterwards every method rejects with DisposedError.
   *
   * @example
   * window.addEventListener('pagehide', () => void p.dispose());
   */
  dispose(): Promise<void>;
}

/** What `on()` delivers: problems attune handled itself, and finished adaptations. */
export interface PersonalizerEvents {
  /** A problem attune handled itself (storage fell back to memory, an adaptation was refused, …): log its `code`. */
  error: AttuneError;
  /** An adaptation finished (or was restored from the device's cache: `cached: true`). */
  adapted: AdaptationInfo;
}

const asAttuneError = (error: unknown): AttuneError =>
  error instanceof AttuneError ? error : new AttuneError('internal-error', `attune failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, { cause: error });

/**
 * Loads and verifies the bundle, starts a tfjs backend and opens the
 * visitor's event store. Rejects with a typed AttuneError.
 *
 * @example
 * const p = await createPersonalizer({ bundle: '/bundles/shop/' });
 * await p.track({ type: 'click', itemId: 'sku-123' });
 * const recs = await p.recommend({ k: 8 });
 */
export async function createPersonalizer(options: PersonalizerOptions): Promise<Personalizer> {
  try {
    const opts = validateOptions(options);
    // Every option is checked before anything is fetched or written.
    const inWorker = workerOptions(options);
    const heldOut = heldOutOption(options);
    const onProgress = guardProgress(opts.onProgress);
    const bundle = await loadBundle(opts.bundle, { ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(onProgress ? { onProgress } : {}), ...bundleSecurity(options), ...(opts.consent && opts.storage !== 'memory' ? { cache: bundleCache(`${opts.dbName}-bundles`) } : {}) });
    const emitter = new Emitter();
    const store = await openStore(opts.consent ? opts.storage : 'memory', opts.dbName, opts.retention, (error) => emitter.emit('error', error));
    let started: StartedEngine;
    try {
      started = await startEngine(bundle, {
        backend: opts.backend,
        choose: options.backend === undefined || options.backend === 'auto' ? 'fastest' : 'first',
        wasmPaths: opts.wasmPaths ?? defaultWasmPaths(),
        cacheDb: store.kind === 'indexeddb' ? opts.dbName : undefined,
        ...inWorker,
        onProgress,
      });
    } catch (error) {
      store.close();
      throw error;
    }
    const personalizer = new Session(bundle.manifest, started, store, emitter, { dbName: opts.dbName, consent: opts.consent, retention: opts.retention }, { heldOut });
    await personalizer.syncHistory().catch((error: unknown) => (personalizer.dispose(), Promise.reject(error)));
    onProgress?.({ phase: 'ready', backend: personalizer.backend, mode: started.mode });
    return personalizer;
  } catch (error) {
    throw asAttuneError(error);
  }
}

/** The host's progress callback, guarded: an exception (or rejection) in it is logged, never thrown into attune's work or the page. */
function guardProgress(callback: ((progress: PersonalizerProgress) => void) | undefined): ((progress: PersonalizerProgress) => void) | undefined {
  return (
    callback &&
    ((progress) => {
      const log = (error: unknown): void => console.error('attune: the onProgress callback threw', error);
      try {
        // An async callback's rejection is caught too (it would be an unhandled rejection on the page).
        const result: unknown = callback(progress);
        if (result instanceof Promise) result.catch(log);
      } catch (error) {
        log(error);
      }
    })
  );
}

/** `heldOutCheck`, checked: default true. */
function heldOutOption(options: PersonalizerOptions): boolean {
  const value = Object.hasOwn(options, 'heldOutCheck') ? options.heldOutCheck : undefined;
  if (value !== undefined && typeof value !== 'boolean') throw new InvalidInputError('heldOutCheck', `must be true or false, got ${typeof value}`);
  return value !== false;
}

/** The bundle's pinning and timeout options, checked (InvalidInputError naming the field). */
function bundleSecurity(options: PersonalizerOptions): { integrity?: string; timeoutMs?: number } {
  const integrity = checkIntegrity(Object.hasOwn(options, 'integrity') ? options.integrity : undefined);
  const timeoutMs = checkTimeout(Object.hasOwn(options, 'bundleTimeoutMs') ? options.bundleTimeoutMs : undefined, 'bundleTimeoutMs');
  return { ...(integrity === undefined ? {} : { integrity }), ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

function workerOptions(options: PersonalizerOptions): { worker: boolean; workerUrl: string | URL | undefined } {
  const { worker = true, workerUrl } = options;
  if (typeof worker !== 'boolean') throw new InvalidInputError('worker', `must be true or false, got ${typeof worker}`);
  if (workerUrl !== undefined && typeof workerUrl !== 'string' && !(typeof URL !== 'undefined' && workerUrl instanceof URL)) {
    throw new InvalidInputError('workerUrl', `must be a URL string or a URL, got ${typeof workerUrl}`);
  }
  return { worker, workerUrl };
}

/** What `exportData()` and `forget()` need to know about where data lives. */
interface PrivacySettings {
  readonly dbName: string;
  readonly consent: boolean;
  readonly retention: Retention;
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
  #lostSeen = 0;
  // Adaptation and scoring run one at a time (they swap the engine's params).
  #queue: Promise<unknown> = Promise.resolve();
  /** The last forget(): a track() called after it waits for it, so forgetting never deletes a later event. */
  #forgetting: Promise<unknown> = Promise.resolve();

  readonly #manifest: Manifest;
  readonly #engine: Engine;
  readonly #started: StartedEngine;
  readonly #store: Store;
  readonly #emitter: Emitter;
  readonly #privacy: PrivacySettings;

  readonly #adaptCheck: AdaptCheckOptions;

  constructor(manifest: Manifest, started: StartedEngine, store: Store, emitter: Emitter, privacy: PrivacySettings, adaptCheck: AdaptCheckOptions = {}) {
    this.#adaptCheck = adaptCheck;
    this.#manifest = manifest;
    this.#engine = started.engine;
    this.#started = started;
    this.#store = store;
    this.#emitter = emitter;
    this.#privacy = privacy;
    this.bundleVersion = manifest.version;
    this.catalog = Object.freeze([...manifest.catalog.ids]);
    this.#rows = new Map(manifest.catalog.ids.map((id, row) => [id, row]));
    const { ratingMin: min, ratingMax: max } = manifest.model;
    // A bundle trained without ratings reads a rating as a 1..5 star score (≥ 4 counts as a liked item);
    // an older rating bundle without a recorded scale keeps accepting any finite rating.
    const implicit = manifest.model.feedback === 'implicit';
    this.#ratingScale = min !== undefined && max !== undefined ? { min, max } : implicit ? { min: 1, max: 5 } : undefined;
  }

  get backend(): BackendName {
    return this.#engine.backend;
  }

  #guard<T>(body: () => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new DisposedError());
    return body().catch((error: unknown) => Promise.reject(asAttuneError(error)));
  }

  #exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(body).finally(() => this.#noticeBackendChange());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The engine moves to the next backend by itself when its GPU is lost (engine/recover.ts): say so once per loss. */
  #noticeBackendChange(): void {
    const lost = this.#engine.lost ?? [];
    for (const name of lost.slice(this.#lostSeen)) {
      this.#emitter.emit('error', new AttuneError('backend-lost', `the ${name} backend was lost mid-session (GPU context or device lost); attune continues on ${this.#engine.backend}`));
    }
    this.#lostSeen = lost.length;
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
      await this.#forgetting;
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

  explain(itemId: string, options?: ExplainOptions): Promise<Explanation> {
    return this.#guard(async () => {
      const id = checkItemId(itemId, this.#rows);
      const opts = validateExplainOptions(options);
      // The events the head adapts on, minus any whose item left the catalog.
      const events = (await this.#store.events.recent(this.#manifest.inner.maxSupport)).filter((e) => this.#rows.has(e.itemId));
      const items = [...new Set([id, ...events.map((e) => e.itemId)])];
      const flat = await this.#engine.embeddings(items.map((item) => this.#rows.get(item)!));
      const dim = flat.length / items.length;
      const at = new Map(items.map((item, i) => [item, flat.subarray(i * dim, (i + 1) * dim)]));
      const { ratingMean, ratingStd, ratingMax } = this.#manifest.model;
      return explainItem(id, events, (item) => at.get(item)!, { mean: ratingMean, top: ratingMax ?? ratingMean + 2 * ratingStd }, opts);
    });
  }

  deleteEvent(id: number): Promise<boolean> {
    return this.#guard(async () => {
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
        throw new InvalidInputError('id', `must be a stored event's id (a positive integer), got ${typeof id === 'number' ? id : typeof id}`);
      }
      return this.#exclusive(async () => {
        if (!(await this.#store.events.delete(id))) return false;
        // Params adapted on the deleted event must not outlive it.
        await this.#store.adapted.clear();
        await this.#engine.useParams(null);
        this.#fingerprint = null;
        this.#lastAdaptation = null;
        await this.syncHistory();
        return true;
      });
    });
  }

  exportData(): Promise<VisitorData> {
    return this.#guard(() => exportVisitorData({ store: this.#store, bundleVersion: this.bundleVersion, lastAdaptation: this.#lastAdaptation, ...this.#privacy }));
  }

  forget(): Promise<void> {
    return this.#guard(() => {
      const run = this.#exclusive(async () => {
        await this.#store.clear();
        // The 'auto' backend measurements, and without consent an earlier visit's data: forgetting leaves nothing of attune behind.
        const { dbName, consent } = this.#privacy;
        if (this.#store.kind === 'indexeddb' || !consent) await forgetOnDevice(dbName, consent).catch((error: unknown) => this.#emitter.emit('error', asAttuneError(error)));
        // The offline copy of the bundle says which shop the visitor has been to.
        await deleteBundleCache(`${this.#privacy.dbName}-bundles`).catch((error: unknown) => this.#emitter.emit('error', asAttuneError(error)));
        this.#history.clear();
        await this.#engine.useParams(null);
        this.#fingerprint = null;
        this.#lastAdaptation = null;
      });
      this.#forgetting = run.catch(() => undefined);
      return run;
    });
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
    // Synchronous, so a misspelt name ('adaptd') fails where it is written instead of never firing.
    if (type !== 'error' && type !== 'adapted') throw new InvalidInputError('type', `${String(type).slice(0, 100)} is not an event; valid: error, adapted`);
    if (typeof listener !== 'function') throw new InvalidInputError('listener', 'must be a function');
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
    // Another tab wrote events (ids only grow), or forgot them all: the history mirror is stale.
    if (events.some((e) => e.id > this.#lastId) || (events.length === 0 && this.#history.size > 0)) await this.syncHistory();
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
    const result = await this.#engine.adapt(support, this.#adaptCheck);
    if (!result.applied) {
      const { heldOut: h } = result;
      const why = h
        ? refusalReason(h)
        : "adaptation diverged (non-finite values or a growing loss on the visitor's own events)";
      this.#emitter.emit('error', new AttuneError('adaptation-unsound', `${why}; recommendations use the initialization`));
      await this.#engine.useParams(null);
      return null;
    }
    const { ms, steps, supportSize, lossBefore, lossAfter } = result;
    const info: AdaptationInfo = { ms, steps, supportSize, lossBefore, lossAfter, losses: result.losses, at: Date.now(), cached: false };
    // One record per database: params adapted for an older bundle version are useless after an update, so they go.
    await this.#store.adapted
      .clear()
      .then(() => this.#store.adapted.put({ bundleVersion: this.bundleVersion, fingerprint, params: result.params, info }))
      .catch((error: unknown) => this.#emitter.emit('error', asAttuneError(error)));
    return info;
  }
}
