import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createPersonalizer, EVENT_WEIGHTS, InvalidInputError, RECENCY_HALF_LIFE_DAYS, type Personalizer, type StoredEvent } from 'attune';
import { BASE, freshDbName, makeFixture, type Fixture } from './fixture.js';

const DAY = 24 * 60 * 60 * 1000;
const open: Personalizer[] = [];
async function personalizer(fx: Fixture): Promise<Personalizer> {
  const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', dbName: freshDbName(), fetch: fx.fetch });
  open.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.dispose()));
});

/** The fixture's item embeddings, read back from the bundle bytes (independent of the SDK). */
function vectors(fx: Fixture): (id: string) => number[] {
  const bytes = fx.files.get('items.bin')!;
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const [, dim] = fx.manifest.catalog.embeddings.shape;
  return (id) => Array.from(all.subarray(fx.ids.indexOf(id) * dim, (fx.ids.indexOf(id) + 1) * dim));
}

const cosine = (a: number[], b: number[]): number => {
  const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
  return dot / Math.hypot(...a) / Math.hypot(...b);
};

/** The expected evidence, computed here from the definition: best event per item, positive scores, strongest first. */
function expected(fx: Fixture, itemId: string, events: readonly StoredEvent[]): { itemId: string; type: string; score: number }[] {
  const vec = vectors(fx);
  const newest = Math.max(...events.map((e) => e.timestamp));
  const best = new Map<string, { itemId: string; type: string; score: number }>();
  for (const e of events) {
    if (e.type === 'rating') throw new Error('not used here');
    const score = cosine(vec(itemId), vec(e.itemId)) * EVENT_WEIGHTS[e.type] * 0.5 ** ((newest - e.timestamp) / (RECENCY_HALF_LIFE_DAYS * DAY));
    if (score > 0 && score > (best.get(e.itemId)?.score ?? -Infinity)) best.set(e.itemId, { itemId: e.itemId, type: e.type, score });
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

describe('explain(itemId)', () => {
  it('rejects unknown items and bad options with InvalidInputError, and says so when nothing is stored', async () => {
    const fx = await makeFixture();
    const p = await personalizer(fx);
    await expect(p.explain('nope')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(p.explain('nope')).rejects.toMatchObject({ field: 'itemId', code: 'invalid-input' });
    await expect(p.explain(42 as unknown as string)).rejects.toMatchObject({ field: 'itemId' });
    await expect(p.explain('item-0', { k: 0 })).rejects.toMatchObject({ field: 'k' });
    await expect(p.explain('item-0', { label: 'x' as unknown as () => string })).rejects.toMatchObject({ field: 'label' });
    const empty = await p.explain('item-0');
    expect(empty).toEqual({ itemId: 'item-0', evidence: [], reason: expect.stringContaining('nothing about you is stored') });
  });

  it('scores each stored event by similarity × type weight × recency, one per item, strongest first', async () => {
    const fx = await makeFixture();
    const p = await personalizer(fx);
    const now = Date.now();
    // item-0, 3, 6 … are one category (axis 0); item-1 another, item-2 a third.
    await p.track({ type: 'view', itemId: 'item-0', timestamp: now - 2 * DAY });
    await p.track({ type: 'add_to_cart', itemId: 'item-3', timestamp: now - 30 * DAY }); // strong but a month old
    await p.track({ type: 'view', itemId: 'item-3', timestamp: now - 31 * DAY }); // weaker event on the same item: not listed
    await p.track({ type: 'click', itemId: 'item-9', timestamp: now });
    await p.track({ type: 'add_to_cart', itemId: 'item-1', timestamp: now });
    await p.track({ type: 'purchase', itemId: 'item-2', timestamp: now });
    await p.track({ type: 'impression', itemId: 'item-12', timestamp: now }); // weight 0: never evidence

    const want = expected(fx, 'item-6', await p.events());
    const got = await p.explain('item-6', { k: 20 });
    expect(got.evidence.map((e) => ({ itemId: e.event.itemId, type: e.event.type }))).toEqual(want.map(({ itemId, type }) => ({ itemId, type })));
    got.evidence.forEach((e, i) => {
      expect(e.score).toBeCloseTo(want[i]!.score, 5);
      expect(e.score).toBeCloseTo(e.similarity * e.weight * e.recency, 6);
    });
    // The same category leads; a month-old cart counts about a quarter, below a fresh view of a sibling.
    expect(got.evidence.slice(0, 3).map((e) => e.event.itemId)).toEqual(['item-9', 'item-0', 'item-3']);
    expect(got.evidence[2]!.recency).toBeCloseTo(0.5 ** (30 / RECENCY_HALF_LIFE_DAYS), 6);
    expect(got.evidence.map((e) => e.event.itemId)).not.toContain('item-12');

    const top = await p.explain('item-6', { k: 2, label: (id) => `Product ${id.slice(5)}` });
    expect(top.evidence).toHaveLength(2);
    expect(top.reason).toBe('Because you clicked Product 9 and viewed Product 0.');
    const three = await p.explain('item-6', { k: 3, label: (id) => `Product ${id.slice(5)}` });
    // The sentence names only events scoring at least half the strongest one's score (the 30-day-old cart does not).
    expect(three.evidence[2]!.score).toBeLessThan(0.5 * three.evidence[0]!.score);
    expect(three.reason).toBe('Because you clicked Product 9 and viewed Product 0.');
    // Events of one kind share a verb.
    const now2 = Date.now();
    await p.track({ type: 'click', itemId: 'item-15', timestamp: now2 });
    const grouped = await p.explain('item-6', { k: 2, label: (id) => `Product ${id.slice(5)}` });
    expect(grouped.reason).toMatch(/^Because you clicked Product (9|15) and Product (9|15)\.$/);
  });

  it('explains a real recommendation with events of the same category, and holds no tensors', async () => {
    const fx = await makeFixture();
    const p = await personalizer(fx);
    await p.track({ type: 'add_to_cart', itemId: 'item-4' });
    for (const itemId of ['item-1', 'item-7', 'item-10']) await p.track({ type: 'click', itemId });
    await p.track({ type: 'view', itemId: 'item-2' });
    const recs = await p.recommend({ k: 3 });
    const baseline = tf.memory().numTensors;
    for (const rec of recs) {
      const why = await p.explain(rec.itemId, { label: (id) => `«${id}»` });
      expect(why.itemId).toBe(rec.itemId);
      expect(why.evidence.length).toBeGreaterThan(0);
      expect(fx.categoryOf(why.evidence[0]!.event.itemId)).toBe(fx.categoryOf(rec.itemId));
      const first = why.evidence[0]!.event;
      const phrase = { view: 'viewed', click: 'clicked', add_to_cart: 'added' }[first.type as 'view'];
      expect(why.reason.startsWith(`Because you ${phrase} «${first.itemId}»`), why.reason).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(baseline);
    // A label function that throws falls back to the item id instead of failing the call.
    const fallback = await p.explain(recs[0]!.itemId, { k: 1, label: () => { throw new Error('host bug'); } });
    expect(fallback.reason).toMatch(/^Because you (viewed|clicked|added) item-\d+( to your cart)?\.$/);
  });

  it('counts a rating by how far it is above the middle of the scale', async () => {
    const fx = await makeFixture({ feedback: 'rating', ratingScale: [1, 5] });
    const p = await personalizer(fx);
    const now = Date.now();
    await p.track({ type: 'rating', itemId: 'item-0', value: 5, timestamp: now });
    await p.track({ type: 'rating', itemId: 'item-3', value: 1, timestamp: now });
    await p.track({ type: 'rating', itemId: 'item-6', value: 4, timestamp: now });
    const why = await p.explain('item-9', { k: 5 });
    // ratingMean 3, max 5: a 5 weighs as a purchase, a 4 half of it, a 1 nothing.
    expect(why.evidence.map((e) => [e.event.itemId, e.weight])).toEqual([
      ['item-0', EVENT_WEIGHTS.purchase],
      ['item-6', EVENT_WEIGHTS.purchase / 2],
    ]);
    // The 4 weighs half of the 5 at most (similarities differ), so it is named only when it keeps up.
    const named = why.evidence.filter((e) => e.score >= 0.5 * why.evidence[0]!.score).map((e) => `rated ${e.event.itemId} ${e.event.value}`);
    expect(why.reason).toBe(`Because you ${named.join(' and ')}.`);
    expect(named[0]).toBe('rated item-0 5');
    // Equal ratings share one phrase.
    await p.track({ type: 'rating', itemId: 'item-12', value: 5, timestamp: now });
    expect((await p.explain('item-9', { k: 2, label: (id) => `Film ${id.slice(5)}` })).reason).toMatch(/^Because you rated Film (0|12) and Film (0|12) 5\.$/);
  });
});
