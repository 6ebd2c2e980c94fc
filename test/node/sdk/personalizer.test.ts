import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleError, createPersonalizer, DisposedError, InvalidInputError, StorageError, type AdaptationInfo, type AttuneError, type Personalizer } from 'attune';
import { BASE, CATEGORIES, freshDbName, makeFixture } from './fixture.js';

const open: Personalizer[] = [];
async function personalizer(options: Partial<Parameters<typeof createPersonalizer>[0]> & { fetch: typeof fetch }): Promise<Personalizer> {
  const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', dbName: freshDbName(), ...options });
  open.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.dispose()));
});

async function expectRejects(promise: Promise<unknown>, type: new (...args: never[]) => Error, check: Record<string, unknown> = {}): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expect(error).toMatchObject(check);
}

describe('createPersonalizer on cpu with fake-indexeddb', () => {
  it('tracks, adapts lazily and recommends the clicked category', async () => {
    const fx = await makeFixture();
    const p = await personalizer({ fetch: fx.fetch });
    expect(p.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(p.bundleVersion).toBe(fx.manifest.version);
    expect(p.catalog).toEqual(fx.ids);
    const adapted: AdaptationInfo[] = [];
    p.on('adapted', (info) => adapted.push(info));

    const before = await p.recommend({ k: fx.ids.length, exclude: 'none' });
    expect(before).toHaveLength(fx.ids.length);
    expect(adapted).toHaveLength(0); // no events: the initialization scores, nothing to adapt
    // Target the category the initialization likes least, so adaptation has to move it up.
    const meanRank = (c: string) => before.reduce((s, r, i) => s + (fx.categoryOf(r.itemId) === c ? i : 0), 0);
    const target = [...CATEGORIES].sort((a, b) => meanRank(b) - meanRank(a))[0]!;
    const inTarget = (id: string) => fx.categoryOf(id) === target;
    expect(before.slice(0, 5).filter((r) => inTarget(r.itemId)).length).toBeLessThanOrEqual(2);

    const liked = fx.ids.filter(inTarget);
    for (const itemId of liked.slice(0, 4)) await p.track({ type: 'click', itemId });
    await p.track({ type: 'add_to_cart', itemId: liked[4]! });
    expect((await p.stats()).events).toBe(5);

    const recs = await p.recommend({ k: 5 });
    expect(adapted).toHaveLength(1);
    expect(adapted[0]).toMatchObject({ steps: 5, cached: false });
    expect(adapted[0]!.lossAfter).toBeLessThan(adapted[0]!.lossBefore);
    // Seen items are excluded by default; the rest should be led by the clicked category.
    expect(recs.map((r) => r.itemId)).not.toContain(liked[0]);
    expect(recs.filter((r) => inTarget(r.itemId)).length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < recs.length; i++) expect(recs[i - 1]!.score).toBeGreaterThanOrEqual(recs[i]!.score);

    // No new events: no second adaptation.
    await p.recommend({ k: 5 });
    expect(adapted).toHaveLength(1);

    const withSeen = await p.recommend({ k: fx.ids.length, exclude: 'none' });
    expect(withSeen).toHaveLength(fx.ids.length);
    // rank() over the unseen items agrees with recommend().
    const unseen = fx.ids.filter((id) => !liked.slice(0, 5).includes(id)).reverse();
    const ranked = await p.rank(unseen);
    expect(ranked.slice(0, 5)).toEqual(recs);
    const byId = new Map(withSeen.map((r) => [r.itemId, r.score]));
    for (const r of ranked) expect(r.score).toBeCloseTo(byId.get(r.itemId)!, 5);
    expect((await p.stats()).lastAdaptation).toEqual(adapted[0]);
  });

  it('survives a reload: events and adapted params are read back from IndexedDB', async () => {
    const fx = await makeFixture();
    const dbName = freshDbName();
    const first = await personalizer({ fetch: fx.fetch, dbName });
    const hats = fx.ids.filter((id) => fx.categoryOf(id) === 'hats');
    for (const itemId of hats.slice(0, 5)) await first.track({ type: 'click', itemId });
    const recsFirst = await first.recommend({ k: 6 });
    await first.dispose();

    const second = await personalizer({ fetch: fx.fetch, dbName });
    const events: AdaptationInfo[] = [];
    second.on('adapted', (info) => events.push(info));
    expect((await second.events()).map((e) => e.itemId)).toEqual(hats.slice(0, 5));
    const recsSecond = await second.recommend({ k: 6 });
    expect(recsSecond.map((r) => r.itemId)).toEqual(recsFirst.map((r) => r.itemId));
    recsSecond.forEach((r, i) => expect(r.score).toBeCloseTo(recsFirst[i]!.score, 5));
    expect(events).toHaveLength(1);
    expect(events[0]!.cached).toBe(true); // restored, not re-adapted

    // A new event after the reload re-adapts.
    await second.track({ type: 'purchase', itemId: hats[6]! });
    await second.recommend();
    expect(events.at(-1)!.cached).toBe(false);
  });

  it('rejects bad input with typed errors and stores nothing', async () => {
    const fx = await makeFixture();
    const p = await personalizer({ fetch: fx.fetch });
    const bad: unknown[] = [
      { type: 'click', itemId: 'not-in-catalog' },
      { itemId: fx.ids[0] },
      { type: 'teleport', itemId: fx.ids[0] },
      { type: 'rating', itemId: fx.ids[0], value: NaN },
      { type: 'rating', itemId: fx.ids[0] },
      { type: 'click', itemId: fx.ids[0], timestamp: -5 },
      null,
      'click',
      JSON.parse(`{"__proto__": {"type": "click", "itemId": "${fx.ids[0]}"}}`),
    ];
    for (const event of bad) await expectRejects(p.track(event as never), InvalidInputError);
    await expectRejects(p.track({ type: 'click', itemId: 'nope' }), InvalidInputError, { field: 'itemId', code: 'invalid-input' });
    expect(await p.events()).toEqual([]);
    expect((await p.stats()).events).toBe(0);
    await expectRejects(p.rank([fx.ids[0]!, 'ghost']), InvalidInputError, { field: 'itemIds[1]' });
    await expectRejects(p.recommend({ k: -1 }), InvalidInputError, { field: 'k' });
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it('refuses a bundle whose weights do not match the manifest hash', async () => {
    const fx = await makeFixture();
    const weights = fx.files.get('weights.bin')!;
    weights[10] = weights[10]! ^ 0xff;
    await expectRejects(createPersonalizer({ bundle: BASE, backend: 'cpu', fetch: fx.fetch, dbName: freshDbName() }), BundleError, { code: 'bundle-hash-mismatch' });
  });

  it('refuses a bundle of a newer format version', async () => {
    const fx = await makeFixture({ formatVersion: 99 });
    await expectRejects(createPersonalizer({ bundle: BASE, backend: 'cpu', fetch: fx.fetch, dbName: freshDbName() }), BundleError, { code: 'bundle-unsupported-version' });
    expect(fx.requests).toEqual(['manifest.json']); // nothing else was even fetched
  });

  it('rejects bad options with typed errors', async () => {
    const fx = await makeFixture();
    await expectRejects(createPersonalizer(undefined as never), InvalidInputError, { field: 'options' });
    await expectRejects(createPersonalizer({ bundle: BASE, backend: 'metal' as never, fetch: fx.fetch }), InvalidInputError, { field: 'backend' });
    await expectRejects(createPersonalizer({ bundle: 'https://bundles.test/missing/', backend: 'cpu', fetch: fx.fetch }), BundleError, { code: 'bundle-fetch-failed' });
    // A misspelt option is named, not ignored.
    await expectRejects(createPersonalizer({ bundle: BASE, backend: 'cpu', fetch: fx.fetch, storag: 'memory' } as never), InvalidInputError, { field: 'storag' });
  });

  it('names misspelt recommend() options and event names; rates 1..5 on a bundle trained without ratings', async () => {
    const fx = await makeFixture();
    const p = await personalizer({ fetch: fx.fetch });
    await expectRejects(p.recommend({ count: 2 } as never), InvalidInputError, { field: 'count' });
    expect(() => p.on('adaptd' as never, () => undefined)).toThrow(InvalidInputError);
    const item = p.catalog[0] as string;
    await expectRejects(p.track({ type: 'rating', itemId: item, value: 99 }), InvalidInputError, { field: 'value' });
    await expectRejects(p.track({ type: 'rating', itemId: item, value: 0 }), InvalidInputError, { field: 'value' });
    await p.track({ type: 'rating', itemId: item, value: 5 });
    expect(await p.events()).toHaveLength(1);
  });

  it('falls back to memory when IndexedDB is missing, and reports it', async () => {
    const fx = await makeFixture();
    const saved = globalThis.indexedDB;
    // @ts-expect-error simulating a browser without IndexedDB
    delete globalThis.indexedDB;
    let p: Personalizer;
    try {
      p = await personalizer({ fetch: fx.fetch });
    } finally {
      globalThis.indexedDB = saved;
    }
    const errors: AttuneError[] = [];
    p.on('error', (e) => errors.push(e));
    await Promise.resolve(); // errors raised before anyone listened arrive on subscription
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StorageError);
    expect(errors[0]!.code).toBe('storage-failed');
    expect((await p.stats()).storage).toBe('memory');
    await p.track({ type: 'view', itemId: fx.ids[3]! });
    expect(await p.events()).toHaveLength(1);
    expect(await p.recommend({ k: 3 })).toHaveLength(3);
  });

  it('forget() deletes every event and adapted param and returns to the initialization', async () => {
    const fx = await makeFixture();
    const dbName = freshDbName();
    const p = await personalizer({ fetch: fx.fetch, dbName });
    const initial = await p.recommend({ k: fx.ids.length, exclude: 'none' });
    for (const itemId of fx.ids.filter((id) => fx.categoryOf(id) === 'shoes').slice(0, 6)) await p.track({ type: 'click', itemId });
    const adapted = await p.recommend({ k: fx.ids.length, exclude: 'none' });
    expect(adapted.map((r) => r.score)).not.toEqual(initial.map((r) => r.score));
    await p.forget();
    expect(await p.events()).toEqual([]);
    expect(await p.stats()).toMatchObject({ events: 0, lastAdaptation: null });
    expect(await p.recommend({ k: fx.ids.length, exclude: 'none' })).toEqual(initial);
    // Nothing left in the database either.
    await p.dispose();
    const again = await personalizer({ fetch: fx.fetch, dbName });
    expect(await again.events()).toEqual([]);
    expect((await again.stats()).lastAdaptation).toBeNull();
  });

  it('dispose() frees every tensor; later calls reject with DisposedError', async () => {
    const fx = await makeFixture();
    await tf.setBackend('cpu');
    const baseline = tf.memory().numTensors;
    const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', fetch: fx.fetch, dbName: freshDbName() });
    await p.track({ type: 'click', itemId: fx.ids[0]! });
    await p.recommend();
    expect(tf.memory().numTensors).toBeGreaterThan(baseline);
    await p.dispose();
    await p.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(baseline);
    await expectRejects(p.track({ type: 'click', itemId: fx.ids[0]! }), DisposedError, { code: 'disposed' });
    await expectRejects(p.recommend(), DisposedError);
    await expectRejects(p.rank([fx.ids[0]!]), DisposedError);
    await expectRejects(p.events(), DisposedError);
    await expectRejects(p.forget(), DisposedError);
    await expectRejects(p.stats(), DisposedError);
  });

  it('keeps working when a listener throws', async () => {
    const fx = await makeFixture();
    const p = await personalizer({ fetch: fx.fetch });
    const seen: number[] = [];
    p.on('adapted', () => {
      throw new Error('host page bug');
    });
    const off = p.on('adapted', (info) => seen.push(info.supportSize));
    await p.track({ type: 'click', itemId: fx.ids[0]! });
    await expect(p.recommend()).resolves.toHaveLength(10);
    expect(seen).toHaveLength(1);
    off();
    await p.track({ type: 'click', itemId: fx.ids[1]! });
    await p.recommend();
    expect(seen).toHaveLength(1);
  });

  it('adapts a rating bundle with MSE and returns scores in the rating scale', async () => {
    const fx = await makeFixture({ feedback: 'rating', lr: 0.2 });
    const p = await personalizer({ fetch: fx.fetch });
    const infos: AdaptationInfo[] = [];
    p.on('adapted', (i) => infos.push(i));
    const bags = fx.ids.filter((id) => fx.categoryOf(id) === 'bags');
    const hats = fx.ids.filter((id) => fx.categoryOf(id) === 'hats');
    for (const itemId of bags.slice(0, 4)) await p.track({ type: 'rating', itemId, value: 5 });
    for (const itemId of hats.slice(0, 4)) await p.track({ type: 'rating', itemId, value: 1 });
    const ranked = await p.rank([hats[8]!, bags[8]!]);
    expect(ranked[0]!.itemId).toBe(bags[8]);
    expect(infos[0]!.supportSize).toBe(8);
    expect(infos[0]!.lossAfter).toBeLessThan(infos[0]!.lossBefore);
    // Standardized with mean 3 / std 1 in the fixture: scores come back near the rating scale.
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    expect(ranked[0]!.score).toBeGreaterThan(3);
  });

  it('rejects a rating outside the bundle\'s scale and stores nothing', async () => {
    const fx = await makeFixture({ feedback: 'rating', ratingScale: [1, 5] });
    const p = await personalizer({ fetch: fx.fetch });
    for (const value of [0, 6, -1e6, 1e300]) {
      await expectRejects(p.track({ type: 'rating', itemId: fx.ids[0]!, value }), InvalidInputError, { field: 'value' });
    }
    await p.track({ type: 'rating', itemId: fx.ids[0]!, value: 5 });
    expect((await p.events()).map((e) => e.value)).toEqual([5]);
  });

  it('keeps the initialization, and says so, when the inner loop diverges', async () => {
    // No scale in this bundle (as in older bundles), so a wild rating gets stored and blows the loss up.
    const fx = await makeFixture({ feedback: 'rating', lr: 0.2 });
    const p = await personalizer({ fetch: fx.fetch });
    const errors: AttuneError[] = [];
    p.on('error', (e) => errors.push(e));
    const before = await p.rank(fx.ids);
    const baseline = tf.memory().numTensors;
    await p.track({ type: 'rating', itemId: fx.ids[0]!, value: -1e6 });
    const after = await p.rank(fx.ids);
    expect(errors.map((e) => e.code)).toEqual(['adaptation-unsound']);
    expect(after).toEqual(before);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('impressions alone do not adapt (nothing says what the visitor likes yet); the first click does', async () => {
    const fx = await makeFixture();
    const p = await personalizer({ fetch: fx.fetch, dbName: freshDbName() });
    const initial = await p.recommend({ k: 10 });
    // The shop logs an impression for every item of the row it displayed.
    for (const r of initial) await p.track({ type: 'impression', itemId: r.itemId });
    expect(await p.recommend({ k: 10 })).toEqual(initial);
    expect((await p.stats()).lastAdaptation).toBeNull();
    await p.track({ type: 'click', itemId: fx.ids.find((id) => fx.categoryOf(id) === 'shoes')! });
    await p.recommend({ k: 10 });
    expect((await p.stats()).lastAdaptation).toMatchObject({ cached: false });
  });

  it('a track() called after forget() is kept: forgetting never deletes a later event (both storages)', async () => {
    for (const storage of ['indexeddb', 'memory'] as const) {
      const fx = await makeFixture();
      const p = await personalizer({ fetch: fx.fetch, dbName: freshDbName(), storage });
      await p.track({ type: 'click', itemId: fx.ids[0]! });
      // Not awaited in between: forget waits its turn behind the recommend's adaptation, the track must wait for it.
      const recs = p.recommend({ k: 3 });
      const forgot = p.forget();
      const tracked = p.track({ type: 'view', itemId: fx.ids[1]! });
      await Promise.all([recs, forgot, tracked]);
      expect((await p.events()).map((e) => e.itemId), storage).toEqual([fx.ids[1]]);
    }
  });

  it('rejects a misspelt retention field or explain() option, naming it, instead of ignoring it', async () => {
    const fx = await makeFixture();
    const bad = await personalizer({ fetch: fx.fetch, dbName: freshDbName(), retention: { maxDays: 3 } as never }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'InvalidInputError', field: 'retention.maxDays' });
    const p = await personalizer({ fetch: fx.fetch, dbName: freshDbName() });
    await expect(p.explain(fx.ids[0]!, { top: 2 } as never)).rejects.toMatchObject({ name: 'InvalidInputError', field: 'top' });
  });
});
