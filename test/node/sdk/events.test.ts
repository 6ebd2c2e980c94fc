import { describe, expect, it } from 'vitest';
import { InvalidInputError } from 'attune';
import { validateEvent, validateItemIds, validateOptions, validateRecommendOptions } from '../../../src/events.js';

const catalog = new Map([['a', 0], ['b', 1]]);
const now = 1_700_000_000_000;

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).field;
  }
  throw new Error('expected an InvalidInputError');
}

describe('validateEvent', () => {
  it('copies only the known fields and defaults the timestamp', () => {
    const input = { type: 'click', itemId: 'a', extra: 'dropped', nested: { x: 1 } };
    expect(validateEvent(input, catalog, now)).toEqual({ type: 'click', itemId: 'a', timestamp: now });
    expect(validateEvent({ type: 'rating', itemId: 'b', value: 4.5, timestamp: now - 5 }, catalog, now)).toEqual({ type: 'rating', itemId: 'b', value: 4.5, timestamp: now - 5 });
  });

  it.each([
    ['non-object', null, 'event'],
    ['array', [], 'event'],
    ['string', 'click', 'event'],
    ['missing type', { itemId: 'a' }, 'type'],
    ['unknown type', { type: 'like', itemId: 'a' }, 'type'],
    ['type not a string', { type: 1, itemId: 'a' }, 'type'],
    ['missing item', { type: 'click' }, 'itemId'],
    ['unknown item', { type: 'click', itemId: 'zzz' }, 'itemId'],
    ['item not a string', { type: 'click', itemId: 0 }, 'itemId'],
    ['huge item id', { type: 'click', itemId: 'x'.repeat(100_000) }, 'itemId'],
    ['rating without value', { type: 'rating', itemId: 'a' }, 'value'],
    ['NaN rating', { type: 'rating', itemId: 'a', value: NaN }, 'value'],
    ['infinite rating', { type: 'rating', itemId: 'a', value: Infinity }, 'value'],
    ['string rating', { type: 'rating', itemId: 'a', value: '5' }, 'value'],
    ['negative timestamp', { type: 'click', itemId: 'a', timestamp: -1 }, 'timestamp'],
    ['future timestamp', { type: 'click', itemId: 'a', timestamp: now + 7 * 24 * 3600 * 1000 }, 'timestamp'],
    ['NaN timestamp', { type: 'click', itemId: 'a', timestamp: NaN }, 'timestamp'],
    ['string timestamp', { type: 'click', itemId: 'a', timestamp: '2024-01-01' }, 'timestamp'],
  ])('rejects %s, naming the field', (_, input, field) => {
    expect(fieldOf(() => validateEvent(input, catalog, now))).toBe(field);
  });

  it('ignores inherited and hostile keys and pollutes nothing', () => {
    const hostile = JSON.parse('{"__proto__": {"type": "click", "itemId": "a", "polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    expect(fieldOf(() => validateEvent(hostile, catalog, now))).toBe('type');
    const inherited = Object.create({ type: 'click', itemId: 'a' }) as object;
    expect(fieldOf(() => validateEvent(inherited, catalog, now))).toBe('type');
    const withProto = JSON.parse('{"type": "click", "itemId": "a", "__proto__": {"polluted": true}}');
    const out = validateEvent(withProto, catalog, now);
    expect(Object.keys(out)).toEqual(['type', 'itemId', 'timestamp']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // `__proto__` as an item id is just an unknown id, not a prototype lookup.
    expect(fieldOf(() => validateEvent({ type: 'click', itemId: '__proto__' }, catalog, now))).toBe('itemId');
  });

  it('rejects getters instead of running them twice or trusting them', () => {
    let reads = 0;
    const sneaky = { itemId: 'a', get type() { reads++; return 'click'; } };
    expect(fieldOf(() => validateEvent(sneaky, catalog, now))).toBe('type');
    expect(reads).toBe(0);
  });
});

describe('validateRecommendOptions / validateItemIds', () => {
  it('defaults and clamps k', () => {
    expect(validateRecommendOptions(undefined, 5)).toEqual({ k: 5, exclude: 'seen' });
    expect(validateRecommendOptions({ k: 3, exclude: 'none' }, 50)).toEqual({ k: 3, exclude: 'none' });
    expect(validateRecommendOptions({ k: 1000 }, 50).k).toBe(50);
  });
  it.each([[{ k: 0 }, 'k'], [{ k: 2.5 }, 'k'], [{ k: NaN }, 'k'], [{ k: '3' }, 'k'], [{ exclude: 'all' }, 'exclude'], ['k', 'options']])('rejects %j', (input, field) => {
    expect(fieldOf(() => validateRecommendOptions(input, 10))).toBe(field);
  });
  it('names the offending position in rank input', () => {
    expect(validateItemIds(['b', 'a'], catalog)).toEqual(['b', 'a']);
    expect(fieldOf(() => validateItemIds(['a', 'nope'], catalog))).toBe('itemIds[1]');
    expect(fieldOf(() => validateItemIds('a', catalog))).toBe('itemIds');
  });
});

describe('validateOptions', () => {
  it('fills defaults', () => {
    const o = validateOptions({ bundle: '/b/' });
    expect(o).toMatchObject({ bundle: '/b/', backend: ['webgpu', 'webgl', 'wasm', 'cpu'], storage: 'indexeddb', dbName: 'attune', retention: {} });
    expect(validateOptions({ bundle: '/b/', backend: ['wasm', 'cpu'] }).backend).toEqual(['wasm', 'cpu']);
  });
  it.each([
    [undefined, 'options'],
    [{}, 'bundle'],
    [{ bundle: '' }, 'bundle'],
    [{ bundle: '/b/', backend: 'metal' }, 'backend'],
    [{ bundle: '/b/', backend: [] }, 'backend'],
    [{ bundle: '/b/', storage: 'localStorage' }, 'storage'],
    [{ bundle: '/b/', dbName: '' }, 'dbName'],
    [{ bundle: '/b/', retention: { maxEvents: 0 } }, 'retention.maxEvents'],
    [{ bundle: '/b/', retention: { maxAgeDays: NaN } }, 'retention.maxAgeDays'],
    [{ bundle: '/b/', wasmPaths: { 'tfjs-backend-wasm.wasm': '/x.wasm' } }, 'wasmPaths.tfjs-backend-wasm-simd.wasm'],
    [{ bundle: '/b/', fetch: 'fetch' }, 'fetch'],
  ])('rejects %j', (input, field) => {
    expect(fieldOf(() => validateOptions(input))).toBe(field);
  });
});
