/**
 * Issue 6, numerics: adapted params are used only when they are finite, the
 * support loss did not blow up, and (support sets of HELDOUT_MIN or more) a
 * run without a held-out slice of the visitor's own events is not worse than
 * θ0 on that slice: its loss for ratings, its ranking for implicit feedback
 * (`heldOutCheck`, on by default). Crafted events trip each guard; consistent
 * events pass.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createPersonalizer, type AttuneError, type Personalizer } from 'attune';
import { generalizes, HELDOUT_EVERY, HELDOUT_LOSS_SLACK, HELDOUT_MIN } from '../../../src/engine/held-out.js';
import { contradictingPlan } from '../../shared/overfit.js';
import { BASE, freshDbName, makeFixture, type Fixture } from './fixture.js';

const open: Personalizer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.dispose()));
});

async function start(fx: Fixture, heldOutCheck?: boolean): Promise<{ p: Personalizer; errors: AttuneError[] }> {
  const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', dbName: freshDbName(), fetch: fx.fetch, ...(heldOutCheck === undefined ? {} : { heldOutCheck }) });
  open.push(p);
  const errors: AttuneError[] = [];
  p.on('error', (e) => errors.push(e));
  return { p, errors };
}

/** 12 items of one category (fixture rows i with i % 3 === 0 share an embedding axis). */
const sameCategory = (fx: Fixture): string[] => fx.ids.filter((_, i) => i % 3 === 0).slice(0, 12);

describe('safe adaptation', () => {
  it('ratings: the held-out loss may grow by HELDOUT_LOSS_SLACK, not more; ranking gets no slack', () => {
    const loss = (after: number) => generalizes({ size: 3, metric: 'loss', before: 0.8, after });
    expect(HELDOUT_LOSS_SLACK).toBe(0.5);
    expect(loss(0.8)).toBe(true);
    expect(loss(0.8 * 1.49)).toBe(true);
    expect(loss(0.8 * 1.51)).toBe(false);
    expect(loss(Number.NaN)).toBe(false);
    expect(generalizes({ size: 6, metric: 'ranking', before: 0.75, after: 0.74 })).toBe(false);
    expect(generalizes({ size: 6, metric: 'ranking', before: 0.75, after: 0.75 })).toBe(true);
  });

  it('crafted to overfit: ratings that contradict on the held-out slice keep θ0, and the SDK says why', async () => {
    const fx = await makeFixture({ feedback: 'rating', ratingScale: [1, 5], lr: 0.2 });
    const { p, errors } = await start(fx);
    const items = sameCategory(fx);
    expect(items.length).toBeGreaterThanOrEqual(HELDOUT_MIN);
    const before = await p.rank(fx.ids);
    const baseline = tf.memory().numTensors;
    // Support examples keep event order: every HELDOUT_EVERY-th one is held out. Train on 5s, hold out 1s, same category.
    let timestamp = 1_700_000_000_000;
    for (const [i, itemId] of items.entries()) {
      await p.track({ type: 'rating', itemId, value: i % HELDOUT_EVERY === HELDOUT_EVERY - 1 ? 1 : 5, timestamp: timestamp++ });
    }
    const after = await p.rank(fx.ids);
    expect(errors.map((e) => e.code)).toEqual(['adaptation-unsound']);
    expect(errors[0]!.message).toMatch(/loss on 3 held-out events of the visitor worse \(loss [\d.e+-]+ → [\d.e+-]+\); recommendations use the initialization/);
    expect(after).toEqual(before);
    expect((await p.stats()).lastAdaptation).toBeNull();
    expect(await p.events()).toHaveLength(items.length);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('with heldOutCheck: false the same contradictory ratings adapt: only the divergence guard applies', async () => {
    const fx = await makeFixture({ feedback: 'rating', ratingScale: [1, 5], lr: 0.2 });
    const { p, errors } = await start(fx, false);
    const before = await p.rank(fx.ids);
    let timestamp = 1_700_000_000_000;
    for (const [i, itemId] of sameCategory(fx).entries()) {
      await p.track({ type: 'rating', itemId, value: i % HELDOUT_EVERY === HELDOUT_EVERY - 1 ? 1 : 5, timestamp: timestamp++ });
    }
    expect(await p.rank(fx.ids)).not.toEqual(before);
    expect(errors).toEqual([]);
    const bad = await createPersonalizer({ bundle: BASE, backend: 'cpu', fetch: fx.fetch, heldOutCheck: 'yes' as never }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'InvalidInputError', field: 'heldOutCheck' });
  });

  it('the same number of consistent ratings passes the held-out check and adapts', async () => {
    const fx = await makeFixture({ feedback: 'rating', ratingScale: [1, 5], lr: 0.2 });
    const { p, errors } = await start(fx);
    const before = await p.rank(fx.ids);
    let timestamp = 1_700_000_000_000;
    for (const itemId of sameCategory(fx)) await p.track({ type: 'rating', itemId, value: 5, timestamp: timestamp++ });
    const after = await p.rank(fx.ids);
    expect(errors).toEqual([]);
    expect((await p.stats()).lastAdaptation).toMatchObject({ cached: false, supportSize: 12 });
    expect(after).not.toEqual(before);
  });

  it('crafted to overfit, implicit feedback: clicks that rank the held-out slice worse keep θ0 (the default), and the SDK says why', async () => {
    const fx = await makeFixture();
    const { p, errors } = await start(fx);
    const inCategory = (c: string): string[] => fx.ids.filter((id) => fx.categoryOf(id) === c);
    // The examples adapted on say "shoes, not hats"; the held-out slice says "hats, not shoes".
    const plan = contradictingPlan(inCategory('shoes'), inCategory('hats'));
    const before = await p.rank(fx.ids);
    let timestamp = 1_700_000_000_000;
    for (const e of plan) await p.track({ ...e, timestamp: timestamp++ });
    const after = await p.rank(fx.ids);
    expect(errors.map((e) => e.code)).toEqual(['adaptation-unsound']);
    expect(errors[0]!.message).toMatch(/adapting made the ranking of \d+ held-out events of the visitor worse \(pairs in order [\d.]+ → [\d.]+\); recommendations use the initialization/);
    expect(after).toEqual(before);
    expect((await p.stats()).lastAdaptation).toBeNull();
    expect(await p.events()).toHaveLength(plan.length);
  });

  it('consistent clicks in one department pass the default check and lift that department', async () => {
    const fx = await makeFixture();
    const { p, errors } = await start(fx);
    const shoes = fx.ids.filter((id) => fx.categoryOf(id) === 'shoes');
    const hats = fx.ids.filter((id) => fx.categoryOf(id) === 'hats');
    let timestamp = 1_700_000_000_000;
    // Clicks on shoes, impressions of hats: the same kinds of events as above, without the contradiction.
    for (let i = 0; i < 12; i++) await p.track(i % 3 === 2 ? { type: 'impression', itemId: hats[i]!, timestamp: timestamp++ } : { type: 'click', itemId: shoes[i]!, timestamp: timestamp++ });
    const recs = await p.recommend({ k: 5 });
    expect(errors).toEqual([]);
    expect((await p.stats()).lastAdaptation).toMatchObject({ cached: false });
    expect(recs.map((r) => fx.categoryOf(r.itemId))).toEqual(['shoes', 'shoes', 'shoes', 'shoes', 'shoes']);
  });

  it('crafted to blow up: a huge inner rate gives non-finite or growing losses and keeps θ0', async () => {
    const fx = await makeFixture({ feedback: 'rating', ratingScale: [1, 5], lr: 1e6 });
    const { p, errors } = await start(fx);
    const before = await p.rank(fx.ids);
    let timestamp = 1_700_000_000_000;
    for (const [i, itemId] of fx.ids.slice(0, 4).entries()) await p.track({ type: 'rating', itemId, value: i % 2 ? 1 : 5, timestamp: timestamp++ });
    const after = await p.rank(fx.ids);
    expect(errors.map((e) => e.code)).toEqual(['adaptation-unsound']);
    expect(errors[0]!.message).toMatch(/diverged/);
    expect(after).toEqual(before);
    expect(after.every((r) => Number.isFinite(r.score))).toBe(true);
  });
});
