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

export interface EventStore {
  /** Stores one event (one transaction, awaited until durable), then applies retention. */
  add(event: NewEvent): Promise<StoredEvent>;
  /** Every stored event, oldest first (by timestamp, then insertion). */
  all(): Promise<StoredEvent[]>;
  /** The `n` most recent events, oldest first. */
  recent(n: number): Promise<StoredEvent[]>;
  count(): Promise<number>;
  /** Deletes the event with this `id` (one transaction); resolves true when it was stored. */
  delete(id: number): Promise<boolean>;
  clear(): Promise<void>;
  close(): void;
}

/** What the head adapted to, and how it went. */
export interface AdaptationInfo {
  /** Wall time of the adaptation in ms. */
  readonly ms: number;
  readonly steps: number;
  /** Examples in the support set (positives, negatives and ratings). */
  readonly supportSize: number;
  /** Support loss at the initialization and after adaptation. */
  readonly lossBefore: number;
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
  readonly bundleVersion: string;
  /** Identifies the events the params were adapted on. */
  readonly fingerprint: string;
  /** Head params in manifest order. */
  readonly params: readonly Float32Array[];
  readonly info: AdaptationInfo;
}

export interface AdaptedStore {
  get(bundleVersion: string): Promise<AdaptedRecord | undefined>;
  /** Every cached record (one per bundle version seen on this device), for `exportData()`. */
  all(): Promise<AdaptedRecord[]>;
  put(record: AdaptedRecord): Promise<void>;
  clear(): Promise<void>;
}

export type StorageKind = 'indexeddb' | 'memory';

/** Everything attune keeps on the device. */
export interface Store {
  readonly kind: StorageKind;
  readonly events: EventStore;
  readonly adapted: AdaptedStore;
  /** Deletes every event and every cached adaptation (both in one transaction where possible). */
  clear(): Promise<void>;
  close(): void;
}

export interface StoreOptions {
  readonly retention?: Retention;
  /**
   * Called after a write hit `QuotaExceededError` and the oldest `evicted`
   * events were deleted to make room (the write was then retried). Lets the
   * personalizer report the lost events instead of hiding them.
   */
  readonly onEvicted?: (evicted: number) => void;
}

/** Resolved retention limits. */
export function retentionLimits(retention: Retention | undefined): { maxEvents: number; maxAgeMs: number } {
  const maxEvents = retention?.maxEvents ?? DEFAULT_RETENTION.maxEvents;
  const maxAgeDays = retention?.maxAgeDays ?? DEFAULT_RETENTION.maxAgeDays;
  return { maxEvents, maxAgeMs: maxAgeDays * 24 * 60 * 60 * 1000 };
}
