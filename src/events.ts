import type { PersonalizerProgress } from './personalizer.js';
import { backendOrder, type BackendName } from './engine/backends.js';
import { WASM_FILES, type WasmPaths } from './engine/wasm-paths.js';
import { InvalidInputError } from './errors.js';
import { EVENT_TYPES, type EventType } from './models/feedback.js';
import type { Retention, StorageKind } from './store/types.js';

/**
 * Validation of everything a host page hands to attune: tracked events, the
 * arguments of `recommend` / `rank`, and `createPersonalizer` options. Only own, known fields are read and
 * copied into fresh objects, so hostile keys (`__proto__`, `constructor`,
 * getters on a prototype) can neither pollute anything nor sneak into storage.
 */

/** An interaction the host page reports. */
export interface TrackEvent {
  /** What happened: one of `EVENT_TYPES` (`'view'`, `'click'`, `'add_to_cart'`, …). */
  readonly type: EventType;
  /** An item id from the bundle's catalog. */
  readonly itemId: string;
  /** The rating for `type: 'rating'` (required there, in the bundle's rating scale, e.g. 1..5). */
  readonly value?: number;
  /** When it happened, in ms since the epoch; defaults to `Date.now()`. */
  readonly timestamp?: number;
}

/** A validated event, ready to store. */
export interface NewEvent {
  /** What happened (one of EVENT_TYPES). */
  readonly type: EventType;
  /** The item's id in the bundle's catalog. */
  readonly itemId: string;
  /** The rating, for `type: 'rating'`. */
  readonly value?: number;
  /** When it happened, ms since the epoch. */
  readonly timestamp: number;
}

/**
 * An event as stored on this device.
 *
 * @example
 * for (const e of await p.events()) console.log(e.id, e.type, e.itemId, new Date(e.timestamp));
 */
export interface StoredEvent extends NewEvent {
  /** Grows with every write (insertion order); never reused. */
  readonly id: number;
  /** When this device stored it (ms since the epoch); retention by age counts from here. */
  readonly storedAt: number;
}

/** Item ids are opaque strings; this bounds what a buggy page can push into storage. */
export const MAX_ITEM_ID_LENGTH = 512;
/** Clocks drift: a timestamp up to this far in the future is still accepted. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** Reads an own data property; inherited or throwing properties count as missing/invalid. */
export function ownField(obj: object, key: string, field = key): unknown {
  let descriptor: PropertyDescriptor | undefined;
  try {
    descriptor = Object.getOwnPropertyDescriptor(obj, key);
  } catch {
    throw new InvalidInputError(field, 'could not be read');
  }
  if (!descriptor) return undefined;
  if (!('value' in descriptor)) throw new InvalidInputError(field, 'must be a plain value, not a getter');
  return descriptor.value;
}

export function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rejects a key `input` does not know (a misspelt option would otherwise be
 * ignored silently: `storag: 'memory'` would store to IndexedDB).
 */
export function checkKeys(input: object, known: readonly string[], prefix = ''): void {
  let keys: string[];
  try {
    keys = Object.keys(input);
  } catch {
    throw new InvalidInputError(prefix ? prefix.slice(0, -1) : 'options', 'cannot be read (a proxy that throws)');
  }
  const unknown = keys.find((key) => !known.includes(key));
  if (unknown !== undefined) throw new InvalidInputError(`${prefix}${unknown.slice(0, 100)}`, `is not an option; valid: ${known.join(', ')}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function checkType(raw: unknown): EventType {
  if (raw === undefined) throw new InvalidInputError('type', `is missing; valid: ${EVENT_TYPES.join(', ')}`);
  if (typeof raw !== 'string' || !(EVENT_TYPES as readonly string[]).includes(raw)) {
    throw new InvalidInputError('type', `${describe(raw)} is not an event type; valid: ${EVENT_TYPES.join(', ')}`);
  }
  return raw as EventType;
}

/** Checks one item id against the catalog; `field` names it in the error (e.g. `itemIds[3]`). */
export function checkItemId(raw: unknown, catalog: ReadonlyMap<string, number>, field = 'itemId'): string {
  if (raw === undefined) throw new InvalidInputError(field, 'is missing');
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_ITEM_ID_LENGTH) {
    throw new InvalidInputError(field, `must be a non-empty string of at most ${MAX_ITEM_ID_LENGTH} characters, got ${describe(raw)}`);
  }
  if (!catalog.has(raw)) throw new InvalidInputError(field, `unknown item id ${describe(raw)}: it is not in the bundle's catalog`);
  return raw;
}

/** The bundle's rating scale, when it has one. */
export interface RatingScale {
  readonly min: number;
  readonly max: number;
}

function checkValue(raw: unknown, type: EventType, scale?: RatingScale): number | undefined {
  if (raw === undefined) {
    if (type === 'rating') throw new InvalidInputError('value', 'is required for a rating event');
    return undefined;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    throw new InvalidInputError('value', `must be a finite number, got ${describe(raw)}`);
  }
  if (type === 'rating' && scale && (raw < scale.min || raw > scale.max)) {
    throw new InvalidInputError('value', `must be within the bundle's rating scale ${scale.min}..${scale.max}, got ${raw}`);
  }
  return raw;
}

function checkTimestamp(raw: unknown, now: number): number {
  if (raw === undefined) return now;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
    throw new InvalidInputError('timestamp', `must be a non-negative finite number of ms since the epoch, got ${describe(raw)}`);
  }
  if (raw > now + MAX_CLOCK_SKEW_MS) throw new InvalidInputError('timestamp', `${raw} is in the future`);
  return raw;
}

/**
 * Validates a `track()` argument and returns a fresh copy holding only the
 * known fields. Throws an InvalidInputError naming the first bad field.
 */
export function validateEvent(input: unknown, catalog: ReadonlyMap<string, number>, now = Date.now(), scale?: RatingScale): NewEvent {
  if (!isPlainObject(input)) throw new InvalidInputError('event', `must be an object, got ${describe(input)}`);
  const type = checkType(ownField(input, 'type'));
  const itemId = checkItemId(ownField(input, 'itemId'), catalog);
  const value = checkValue(ownField(input, 'value'), type, scale);
  const timestamp = checkTimestamp(ownField(input, 'timestamp'), now);
  return value === undefined ? { type, itemId, timestamp } : { type, itemId, value, timestamp };
}

export type ExcludeMode = 'seen' | 'none';

/** Validated `recommend()` options: `k` is clamped to the catalog size. */
export function validateRecommendOptions(input: unknown, catalogSize: number): { k: number; exclude: ExcludeMode } {
  if (input === undefined) return { k: Math.min(10, catalogSize), exclude: 'seen' };
  if (!isPlainObject(input)) throw new InvalidInputError('options', `must be an object, got ${describe(input)}`);
  checkKeys(input, ['k', 'exclude']);
  const k = ownField(input, 'k') ?? 10;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new InvalidInputError('k', `must be a positive integer, got ${describe(k)}`);
  }
  const exclude = ownField(input, 'exclude') ?? 'seen';
  if (exclude !== 'seen' && exclude !== 'none') {
    throw new InvalidInputError('exclude', `${describe(exclude)} is not valid; valid: seen, none`);
  }
  return { k: Math.min(k, catalogSize), exclude };
}

/** Validates `rank()` input: an array of known item ids. Returns a copy. */
export function validateItemIds(input: unknown, catalog: ReadonlyMap<string, number>): string[] {
  if (!Array.isArray(input)) throw new InvalidInputError('itemIds', `must be an array of item ids, got ${describe(input)}`);
  if (input.length > catalog.size * 4 + 1000) throw new InvalidInputError('itemIds', `has ${input.length} entries, far more than the catalog`);
  return Array.from(input, (id, i) => checkItemId(id, catalog, `itemIds[${i}]`));
}

/** Options of `createPersonalizer`, validated (see PersonalizerOptions in personalizer.ts for their meaning). */
export interface CheckedOptions {
  readonly bundle: string;
  readonly backend: BackendName[];
  readonly storage: StorageKind;
  readonly consent: boolean;
  readonly dbName: string;
  readonly wasmPaths: WasmPaths | undefined;
  readonly retention: Retention;
  readonly fetch: typeof fetch | undefined;
  readonly onProgress: ((progress: PersonalizerProgress) => void) | undefined;
}

function optionalFunction<T>(obj: object, key: string): T | undefined {
  const value = ownField(obj, key);
  if (value !== undefined && typeof value !== 'function') throw new InvalidInputError(key, `must be a function, got ${describe(value)}`);
  return value as T | undefined;
}

function checkWasmPaths(raw: unknown): WasmPaths | undefined {
  if (raw === undefined || (typeof raw === 'string' && raw.length > 0)) return raw;
  if (!isPlainObject(raw)) throw new InvalidInputError('wasmPaths', `must be a directory URL or a map of ${WASM_FILES.join(', ')} to URLs`);
  const map: Record<string, string> = {};
  for (const file of WASM_FILES) {
    const url = ownField(raw, file, `wasmPaths.${file}`);
    if (typeof url !== 'string' || url.length === 0) throw new InvalidInputError(`wasmPaths.${file}`, 'must be a URL string');
    map[file] = url;
  }
  return map;
}

function checkRetention(raw: unknown): Retention {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) throw new InvalidInputError('retention', `must be an object, got ${describe(raw)}`);
  checkKeys(raw, ['maxEvents', 'maxAgeDays'], 'retention.');
  const maxEvents = ownField(raw, 'maxEvents', 'retention.maxEvents');
  const maxAgeDays = ownField(raw, 'maxAgeDays', 'retention.maxAgeDays');
  if (maxEvents !== undefined && (typeof maxEvents !== 'number' || !(maxEvents >= 1) || !(Number.isInteger(maxEvents) || maxEvents === Infinity))) {
    throw new InvalidInputError('retention.maxEvents', `must be a positive integer (or Infinity), got ${describe(maxEvents)}`);
  }
  if (maxAgeDays !== undefined && (typeof maxAgeDays !== 'number' || !(maxAgeDays > 0))) {
    throw new InvalidInputError('retention.maxAgeDays', `must be a positive number of days (or Infinity), got ${describe(maxAgeDays)}`);
  }
  return { ...(maxEvents === undefined ? {} : { maxEvents }), ...(maxAgeDays === undefined ? {} : { maxAgeDays }) };
}

/** `obj[key]` (or `fallback` when absent) as a non-empty string of at most `maxLength` characters; anything else is an InvalidInputError naming `key`. */
export function checkString(obj: object, key: string, fallback: string, maxLength: number): string {
  const value = ownField(obj, key) ?? fallback;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new InvalidInputError(key, `must be a non-empty string of at most ${maxLength} characters, got ${describe(value)}`);
  }
  return value;
}

/** Every `createPersonalizer` option (PersonalizerOptions). */
const PERSONALIZER_OPTIONS = ['bundle', 'backend', 'worker', 'workerUrl', 'storage', 'dbName', 'consent', 'wasmPaths', 'retention', 'fetch', 'onProgress', 'integrity', 'bundleTimeoutMs', 'heldOutCheck'] as const;

/** Validates `createPersonalizer` options; unknown keys are rejected. */
export function validateOptions(input: unknown): CheckedOptions {
  if (!isPlainObject(input)) throw new InvalidInputError('options', `must be an object with at least \`bundle\`, got ${describe(input)}`);
  checkKeys(input, PERSONALIZER_OPTIONS);
  if (ownField(input, 'bundle') === undefined) throw new InvalidInputError('bundle', 'is missing: pass the URL of the bundle folder');
  const storage = ownField(input, 'storage') ?? 'indexeddb';
  if (storage !== 'indexeddb' && storage !== 'memory') throw new InvalidInputError('storage', `${describe(storage)} is not valid; valid: indexeddb, memory`);
  const consent = ownField(input, 'consent') ?? true;
  if (typeof consent !== 'boolean') throw new InvalidInputError('consent', `must be true or false, got ${describe(consent)}`);
  return {
    bundle: checkString(input, 'bundle', '', 4096),
    backend: backendOrder(ownField(input, 'backend') ?? 'auto'),
    storage,
    consent,
    dbName: checkString(input, 'dbName', 'attune', 256),
    wasmPaths: checkWasmPaths(ownField(input, 'wasmPaths')),
    retention: checkRetention(ownField(input, 'retention')),
    fetch: optionalFunction<typeof fetch>(input, 'fetch'),
    onProgress: optionalFunction<(progress: PersonalizerProgress) => void>(input, 'onProgress'),
  };
}
