import type { BackendChoice } from '../engine/auto.js';
import type { StoredEvent } from '../events.js';
import { readChoices } from './backend-choice.js';
import { retentionLimits, type AdaptationInfo, type Retention, type StorageKind, type Store } from './types.js';

/**
 * `personalizer.exportData()`: everything attune keeps about the visitor on
 * this device, as plain JSON (a data-access request, GDPR art. 15 / 20).
 * The format is documented in docs/privacy.md; bump the version when a field
 * changes meaning, add fields freely.
 */
export const VISITOR_DATA_FORMAT = 'attune-visitor-data';
/** Version of the VisitorData format; bumped when a field changes meaning. */
export const VISITOR_DATA_FORMAT_VERSION = 1;

/**
 * What `exportData()` returns: everything attune keeps about the visitor on this device (docs/privacy.md).
 *
 * @example
 * const data = await p.exportData();
 * const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
 */
export interface VisitorData {
  /** Always `'attune-visitor-data'`. */
  readonly format: typeof VISITOR_DATA_FORMAT;
  /** The format version (VISITOR_DATA_FORMAT_VERSION). */
  readonly formatVersion: typeof VISITOR_DATA_FORMAT_VERSION;
  /** ISO 8601 time of the export. */
  readonly exportedAt: string;
  /** The bundle the personalizer runs (the model the data was used with). */
  readonly bundleVersion: string;
  /** Where the data lives: `'indexeddb'` (kept across visits) or `'memory'` (gone when the page closes). */
  readonly storage: StorageKind;
  /** The IndexedDB database holding it; null in memory. */
  readonly dbName: string | null;
  /** The `consent` option: false means nothing was written to the device. */
  readonly consent: boolean;
  /** The retention limits in force; null means unlimited. */
  readonly retention: {
    /** Most events kept, or null for no limit. */
    readonly maxEvents: number | null;
    /** Oldest event age kept in days, or null for no limit. */
    readonly maxAgeDays: number | null;
  };
  /** Every stored event, oldest first, exactly as stored. */
  readonly events: StoredEvent[];
  /** The adaptation behind the current recommendations (null before the first one). */
  readonly lastAdaptation: AdaptationInfo | null;
  /** Cached adapted head params, one per bundle version, in manifest order, as plain numbers. */
  readonly adapted: {
    /** The bundle version the params were adapted for. */
    readonly bundleVersion: string;
    /** Identifies the events they were adapted on. */
    readonly fingerprint: string;
    /** How the adaptation went. */
    readonly info: AdaptationInfo;
    /** The adapted head params, as plain number arrays in manifest order. */
    readonly params: number[][];
  }[];
  /** `backend: 'auto'` measurements stored for this device (they describe the browser and GPU, not behaviour). */
  readonly backendChoices: BackendChoice[];
}

export interface ExportContext {
  readonly store: Store;
  readonly bundleVersion: string;
  readonly dbName: string;
  readonly consent: boolean;
  readonly retention: Retention;
  readonly lastAdaptation: AdaptationInfo | null;
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** Reads everything and returns it as a JSON-safe object (no typed arrays, no Infinity). */
export async function exportVisitorData(c: ExportContext): Promise<VisitorData> {
  const { maxEvents, maxAgeMs } = retentionLimits(c.retention);
  const stored = c.store.kind === 'indexeddb';
  const [events, adapted, backendChoices] = await Promise.all([c.store.events.all(), c.store.adapted.all(), stored ? readChoices(c.dbName) : []]);
  return {
    format: VISITOR_DATA_FORMAT,
    formatVersion: VISITOR_DATA_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    bundleVersion: c.bundleVersion,
    storage: c.store.kind,
    dbName: stored ? c.dbName : null,
    consent: c.consent,
    retention: { maxEvents: finiteOrNull(maxEvents), maxAgeDays: finiteOrNull(maxAgeMs / 86_400_000) },
    events,
    lastAdaptation: c.lastAdaptation,
    adapted: adapted.map(({ bundleVersion, fingerprint, info, params }) => ({ bundleVersion, fingerprint, info, params: params.map((p) => Array.from(p)) })),
    backendChoices,
  };
}
