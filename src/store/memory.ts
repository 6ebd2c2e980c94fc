import type { NewEvent, StoredEvent } from '../events.js';
import { retentionLimits, type AdaptedRecord, type Store, type StoreOptions } from './types.js';

const byTime = (a: StoredEvent, b: StoredEvent): number => a.timestamp - b.timestamp || a.id - b.id;

/**
 * A store that lives only as long as the page: the fallback when IndexedDB is
 * unavailable, and the reference the IndexedDB store is tested against.
 *
 * @example
 * const store = createMemoryStore({ retention: { maxEvents: 100 } });
 * console.log(store.kind); // 'memory'
 */
export function createMemoryStore(options: StoreOptions = {}): Store {
  const { maxEvents, maxAgeMs } = retentionLimits(options.retention);
  // Kept sorted oldest first, like the IndexedDB timestamp index.
  let events: StoredEvent[] = [];
  const adapted = new Map<string, AdaptedRecord>();
  // Like an IndexedDB key generator: never reused, not reset by clear().
  let nextId = 1;
  let closed = false;
  const open = (): void => {
    if (closed) throw new Error('the memory store was closed');
  };

  const add = async (event: NewEvent): Promise<StoredEvent> => {
    open();
    const storedAt = Date.now();
    const stored: StoredEvent = { ...event, storedAt, id: nextId++ };
    events.push(stored);
    events.sort(byTime);
    const cutoff = storedAt - maxAgeMs;
    events = events.filter((e) => e.storedAt >= cutoff);
    if (events.length > maxEvents) events = events.slice(events.length - maxEvents);
    return { ...stored };
  };

  return {
    kind: 'memory',
    events: {
      add,
      all: async () => (open(), events.map((e) => ({ ...e }))),
      recent: async (n) => (open(), events.slice(Math.max(0, events.length - n)).map((e) => ({ ...e }))),
      count: async () => (open(), events.length),
      delete: async (id) => {
        open();
        const before = events.length;
        events = events.filter((e) => e.id !== id);
        return events.length < before;
      },
      clear: async () => {
        open();
        events = [];
      },
      close: () => {
        closed = true;
      },
    },
    adapted: {
      get: async (version) => (open(), adapted.get(version)),
      all: async () => (open(), [...adapted.values()]),
      put: async (record) => {
        open();
        adapted.set(record.bundleVersion, record);
      },
      clear: async () => {
        open();
        adapted.clear();
      },
    },
    clear: async () => {
      open();
      events = [];
      adapted.clear();
    },
    close: () => {
      closed = true;
    },
  };
}
