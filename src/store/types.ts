import type { NewEvent, StoredEvent } from '../events.js';

/**
 * The storage contract (zustand's `StateStorage`, tfjs's `IOHandler` idea):
 * IndexedDB in browsers, memory elsewhere, same behaviour, same tests.
 */

/** How much of the visitor's history the device keeps. Applied on every write. */
export interface Retention {
  /** Keep at most this many events; the oldest (by timestamp) go first. Default 5000. */
  readonly maxEvents?: number;
  /**
   * Drop events stored more than this many days ago. Default 365. Counted from
   * when the device stored the event, not from its `timestamp`, so importing
   * or replaying a history with old timestamps does not delete it on arrival.
   */
  readonly maxAgeDays?: number;
}

export const DEFAULT_RETENTION = { maxEvents: 5000, maxAgeDays: 365 } as const;

/**
 * The visitor's events on the device (one half of a Store).
 *
 * @example
 * const store = createMemoryStore();
 * await store.events.add({ type: 'click', itemId: 'sku-1', timestamp: Date.now() });
 * console.log(await store.events.count()); // 1
 */
export interface EventStore {
  /**
   * Stores one event (one transaction, awaited until durable), then applies retention.
   *
   * @example
   * const stored = await store.events.add({ type: 'view', itemId: 'sku-9', timestamp: Date.now() });
   */
  add(event: NewEvent): Promise<StoredEvent>;
  /**
   * Every stored event, oldest first (by timestamp, then insertion).
   *
   * @example
   * const history = await store.events.all();
   */
  all(): Promise<StoredEvent[]>;
  /**
   * The `n` most recent events, oldest first.
   *
   * @example
   * const support = await store.events.recent(50);
   */
  recent(n: number): Promise<StoredEvent[]>;
  /**
   * How many events are stored.
   *
   * @example
   * const n = await store.events.count();
   */
  count(): Promise<number>;
  /**
   * Deletes the event with this `id` (one transaction); resolves true when it was stored.
   *
   * @example
   * const removed = await store.events.delete(42);
   */
  delete(id: number): Promise<boolean>;
  /**
   * Deletes every stored event.
   *
   * @example
   * await store.events.clear();
   */
  clear(): Promise<void>;
  /**
   * Closes the database connection; later calls reject with StorageError.
   *
   * @example
   * store.events.close();
   */
  close(): void;
}

/** What the head adapted to, and how it went. */
export interface AdaptationInfo {
  /** Wall time of the adaptation in ms. */
  readonly ms: number;
  /** Inner-loop steps taken. */
  readonly steps: number;
  /** Examples in the support set (positives, negatives and ratings). */
  readonly supportSize: number;
  /** Support loss at the initialization and after adaptation. */
  readonly lossBefore: number;
  /** Support loss after the last step. */
  readonly lossAfter: number;
  /** The support loss before each inner step, then after the last (absent in records cached by attune 0.1). */
  readonly losses?: readonly number[];
  /** When it ran (ms since the epoch). */
  readonly at: number;
  /** True when the adapted params were restored from storage instead of recomputed. */
  readonly cached: boolean;
}

/** Adapted head params cached per bundle version, so a reload does not re-adapt. */
export interface AdaptedRecord {
  /** The bundle version the params belong to. */
  readonly bundleVersion: string;
  /** Identifies the events the params were adapted on. */
  readonly fingerprint: string;
  /** Head params in manifest order. */
  readonly params: readonly Float32Array[];
  /** How the adaptation went. */
  readonly info: AdaptationInfo;
}

/**
 * Cached adapted params, one record per bundle version (the other half of a Store).
 *
 * @example
 * const record = await store.adapted.get(p.bundleVersion);
 */
export interface AdaptedStore {
  /**
   * The record for this bundle version, if any.
   *
   * @example
   * const cached = await store.adapted.get('3f9c1a…');
   */
  get(bundleVersion: string): Promise<AdaptedRecord | undefined>;
  /**
   * Every cached record (one per bundle version seen on this device), for `exportData()`.
   *
   * @example
   * const records = await store.adapted.all();
   */
  all(): Promise<AdaptedRecord[]>;
  /**
   * Stores (or replaces) the record for its bundle version.
   *
   * @example
   * await store.adapted.put({ bundleVersion: 'v1', fingerprint: 'f', params: [new Float32Array(4)], info });
   */
  put(record: AdaptedRecord): Promise<void>;
  /**
   * Deletes every cached record.
   *
   * @example
   * await store.adapted.clear();
   */
  clear(): Promise<void>;
}

/** Where events live: IndexedDB (kept across visits) or memory (gone with the page). */
export type StorageKind = 'indexeddb' | 'memory';

/** Everything attune keeps on the device. */
export interface Store {
  /** Which kind of storage this is. */
  readonly kind: StorageKind;
  /** The visitor's events. */
  readonly events: EventStore;
  /** Cached adapted params. */
  readonly adapted: AdaptedStore;
  /**
   * Deletes every event and every cached adaptation (both in one transaction where possible).
   *
   * @example
   * await store.clear();
   */
  clear(): Promise<void>;
  /**
   * Closes the store; the personalizer does this on `dispose()`.
   *
   * @example
   * store.close();
   */
  close(): void;
}

/**
 * Options shared by every store.
 *
 * @example
 * const store = createMemoryStore({ retention: { maxEvents: 200 } });
 */
export interface StoreOptions {
  /**
   * How much history to keep (default 5000 events / 365 days).
   *
   * @example
   * createMemoryStore({ retention: { maxEvents: 1000, maxAgeDays: 30 } });
   */
  readonly retention?: Retention;
  /**
   * Called after a write hit `QuotaExceededError` and the oldest `evicted`
   * events were deleted to make room (the write was then retried). Lets the
   * personalizer report the lost events instead of hiding them.
   *
   * @example
   * await createIdbStore('attune', { onEvicted: (n) => console.warn(`storage full: dropped ${n} old events`) });
   */
  readonly onEvicted?: (evicted: number) => void;
}

/** Resolved retention limits. */
export function retentionLimits(retention: Retention | undefined): { maxEvents: number; maxAgeMs: number } {
  const maxEvents = retention?.maxEvents ?? DEFAULT_RETENTION.maxEvents;
  const maxAgeDays = retention?.maxAgeDays ?? DEFAULT_RETENTION.maxAgeDays;
  return { maxEvents, maxAgeMs: maxAgeDays * 24 * 60 * 60 * 1000 };
}
