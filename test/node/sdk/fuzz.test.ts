/**
 * Acceptance (issue 6, bad input fuzzed): seeded random and hostile values for
 * `track()` and for `createPersonalizer()` options. Every bad value is
 * rejected with an InvalidInputError naming the field (checked against an
 * oracle written from the documented rules, not from the validator), nothing
 * is stored, and no prototype is polluted. Valid cases are mixed in, so a
 * validator that rejects everything fails too.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttuneError, createPersonalizer, EVENT_TYPES, InvalidInputError, type Personalizer } from 'attune';
import { createRng, type Rng } from '../../../src/core/random.js';
import { BASE, freshDbName, makeFixture, type Fixture } from './fixture.js';

const SEED = 20261204;
const DAY = 24 * 60 * 60 * 1000;
const SCALE = [1, 5] as const;

/** Values a buggy or hostile page might pass anywhere. Thunks, so each case gets a fresh object. */
function hostileValues(validId: string): Array<() => unknown> {
  const throwingProxy = () =>
    new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
  return [
    () => undefined, () => null, () => true, () => false, () => 0, () => -0, () => -1, () => 1.5, () => 3,
    () => Number.NaN, () => Number.POSITIVE_INFINITY, () => Number.NEGATIVE_INFINITY, () => Number.MAX_VALUE, () => Number.MIN_VALUE,
    () => Number.MAX_SAFE_INTEGER, () => Date.now() + 365 * DAY, () => Date.now() - 10 * 365 * DAY, () => Date.now(),
    () => '', () => ' ', () => 'x'.repeat(1_000_000), () => '__proto__', () => 'constructor', () => 'prototype', () => 'toString',
    () => '\u0000', () => '💥'.repeat(300), () => `${validId}\u0000`, () => validId, () => 'click', () => 'rating', () => 'cpu', () => 'memory',
    () => [], () => [validId], () => ({}), () => Object.create(null), () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => ({ constructor: { prototype: { polluted: true } } }), () => new Date(), () => /x/, () => 1n, () => Symbol('s'),
    () => () => 'fn', throwingProxy, () => new Map([['a', 1]]), () => new Uint8Array(4),
  ];
}

/** The documented rules for a track() argument, as an oracle: the field of the first problem, or null when valid. */
function expectedProblem(e: unknown, catalog: ReadonlySet<string>, now: number): string | null {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'event';
  // A getter is refused as such (its value is never trusted): the field is the problem whatever it returns.
  // So is a property that cannot even be described (a hostile Proxy).
  const own = (k: string): unknown => {
    let d: PropertyDescriptor | undefined;
    try {
      d = Object.getOwnPropertyDescriptor(e, k);
    } catch {
      throw k;
    }
    if (d && !('value' in d)) throw k;
    return d?.value;
  };
  try {
    return checkInOrder(own, catalog, now);
  } catch (field) {
    return field as string;
  }
}

function checkInOrder(own: (k: string) => unknown, catalog: ReadonlySet<string>, now: number): string | null {
  const type = own('type');
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) return 'type';
  if (typeof own('itemId') !== 'string' || !catalog.has(own('itemId') as string)) return 'itemId';
  const value = own('value');
  if (value === undefined ? type === 'rating' : typeof value !== 'number' || !Number.isFinite(value) || (type === 'rating' && (value < SCALE[0] || value > SCALE[1]))) return 'value';
  const ts = own('timestamp');
  if (ts !== undefined && (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0 || ts > now + DAY)) return 'timestamp';
  return null;
}

/** A valid event, then 0–3 mutations: a field replaced by a hostile value, a field deleted, hostile keys added, or the whole thing replaced. */
function makeEvent(rng: Rng, ids: readonly string[], pool: Array<() => unknown>): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const type = pick(EVENT_TYPES);
  const e: Record<string, unknown> = { type, itemId: pick(ids), timestamp: Date.now() - rng.int(30 * DAY) };
  if (type === 'rating') e.value = 1 + rng.int(5);
  const mutations = rng.int(4);
  for (let m = 0; m < mutations; m++) {
    const kind = rng.int(10);
    if (kind === 0) return pick(pool)();
    const field = pick(['type', 'itemId', 'value', 'timestamp']);
    if (kind === 1) delete e[field];
    else if (kind === 2) Object.assign(e, JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "id": ${rng.int(99)}, "storedAt": 1}`));
    else if (kind === 3) Object.defineProperty(e, field, { get: () => ids[0], enumerable: true, configurable: true });
    else Object.defineProperty(e, field, { value: pick(pool)(), enumerable: true, configurable: true, writable: true });
  }
  return e;
}

function expectNoPollution(): void {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype]) expect(Object.getOwnPropertyNames(proto)).not.toContain('polluted');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture({ feedback: 'rating', ratingScale: SCALE });
});

describe('fuzzed track()', () => {
  let p: Personalizer;
  beforeAll(async () => {
    p = await createPersonalizer({ bundle: BASE, backend: 'cpu', worker: false, dbName: freshDbName(), fetch: fx.fetch });
  });
  afterAll(() => p.dispose());

  it('rejects every bad event with an InvalidInputError naming the field, stores only the valid ones, pollutes nothing', async () => {
    const rng = createRng(SEED);
    const pool = hostileValues(fx.ids[0]!);
    const catalog = new Set(fx.ids);
    const tally = { valid: 0, rejected: 0, byField: {} as Record<string, number> };
    for (let i = 0; i < 800; i++) {
      const event = makeEvent(rng, fx.ids, pool);
      const expected = expectedProblem(event, catalog, Date.now());
      const before = (await p.stats()).events;
      const outcome = await p.track(event as never).then(() => null, (error: unknown) => error);
      const after = (await p.stats()).events;
      const what = `case ${i}: ${String(expected)} ← ${describeCase(event)}`;
      if (expected === null) {
        expect(outcome, what).toBeNull();
        expect(after, what).toBe(before + 1);
        tally.valid++;
      } else {
        expect(outcome, what).toBeInstanceOf(InvalidInputError);
        expect((outcome as InvalidInputError).field, what).toBe(expected);
        expect(after, what).toBe(before);
        tally.rejected++;
        tally.byField[expected] = (tally.byField[expected] ?? 0) + 1;
      }
    }
    console.log(`[fuzz] track(): ${JSON.stringify(tally)}`);
    expect(tally.valid).toBeGreaterThan(50);
    for (const field of ['event', 'type', 'itemId', 'value', 'timestamp']) expect(tally.byField[field], field).toBeGreaterThan(5);
    // What was stored holds only the known fields, with plain values.
    for (const e of await p.events()) {
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['id', 'itemId', 'storedAt', 'timestamp', 'type']));
      expect(Object.keys(e).every((k) => ['id', 'itemId', 'storedAt', 'timestamp', 'type', 'value'].includes(k))).toBe(true);
      expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    }
    expectNoPollution();
  });
});

/** Option fields and what each accepts, from the PersonalizerOptions docs. `null`: any value may be fine (checked later, e.g. by fetching). */
/** Options whose default applies to `null` as to `undefined` (read with `??`). */
const NULL_IS_DEFAULT = new Set(['backend', 'storage', 'dbName', 'consent']);

const OPTION_RULES: Record<string, ((v: unknown) => boolean) | null> = {
  bundle: (v) => typeof v === 'string' && v.length > 0 && v.length <= 4096 ? (null as never) : false,
  backend: (v) => v === 'auto' || ['webgpu', 'webgl', 'wasm', 'cpu'].includes(v as string),
  storage: (v) => v === 'indexeddb' || v === 'memory',
  dbName: (v) => typeof v === 'string' && v.length > 0 && v.length <= 256,
  consent: (v) => typeof v === 'boolean',
  worker: (v) => typeof v === 'boolean',
  fetch: (v) => typeof v === 'function',
  onProgress: (v) => typeof v === 'function',
  retention: null,
  wasmPaths: null,
  workerUrl: null,
  integrity: null,
  heldOutCheck: (v) => typeof v === 'boolean',
  bundleTimeoutMs: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 86_400_000,
};

describe('fuzzed createPersonalizer() options', () => {
  it('every field × every hostile value: a bad option rejects with a typed error naming it, creates no database, pollutes nothing', async () => {
    const pool = hostileValues(fx.ids[0]!);
    const tally = { resolved: 0, invalidInput: 0, otherTyped: 0 };
    // Exhaustive rather than sampled: every field × every hostile value, then the retention's inner fields × every value.
    const cases: Array<[string, () => unknown]> = [];
    for (const field of Object.keys(OPTION_RULES)) for (const make of pool) cases.push([field, make]);
    for (const inner of ['maxEvents', 'maxAgeDays']) for (const make of pool) cases.push(['retention', () => ({ [inner]: make() })]);
    for (const [i, [field, make]] of cases.entries()) {
      const value = make();
      const dbName = freshDbName();
      const options: Record<string, unknown> = { bundle: BASE, backend: 'cpu', worker: false, dbName, fetch: fx.fetch, [field]: value };
      if (value === undefined) delete options[field];
      const what = `case ${i}: ${field} = ${describeCase(value)}`;
      const outcome = await createPersonalizer(options as never).then(
        async (p) => (await p.dispose(), null),
        (error: unknown) => error,
      );
      const rule = OPTION_RULES[field];
      const mustReject = value !== undefined && !(value === null && NULL_IS_DEFAULT.has(field)) && rule !== null && rule !== undefined && !rule(value) && !(field === 'bundle' && typeof value === 'string' && value.length > 0 && value.length <= 4096);
      if (outcome === null) {
        expect(mustReject, `${what}: accepted`).toBe(false);
        tally.resolved++;
        continue;
      }
      expect(outcome, what).toBeInstanceOf(AttuneError);
      expect((outcome as AttuneError).code, what).not.toBe('internal-error');
      if (outcome instanceof InvalidInputError) {
        expect(outcome.field.split(/[.[]/)[0], what).toBe(field);
        tally.invalidInput++;
      } else {
        expect(mustReject, `${what}: ${String(outcome)}`).toBe(false);
        tally.otherTyped++;
      }
      // Rejected before anything was opened: no database of that name.
      expect((await indexedDB.databases()).map((d) => d.name), what).not.toContain(dbName);
    }
    console.log(`[fuzz] createPersonalizer(): ${JSON.stringify(tally)}`);
    expect(tally.resolved).toBeGreaterThan(10);
    expect(tally.invalidInput).toBeGreaterThan(100);
    expectNoPollution();
  });
});

function describeCase(value: unknown): string {
  try {
    const text = typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function' ? String(value) : JSON.stringify(value);
    return (text ?? String(value)).slice(0, 120);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
