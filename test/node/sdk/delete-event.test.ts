import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdbStore, createMemoryStore, createPersonalizer, InvalidInputError, type AdaptationInfo, type Personalizer, type Store } from 'attune';
import { BASE, freshDbName, makeFixture } from './fixture.js';

const open: Personalizer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.dispose()));
});

describe.each([
  ['memory', () => Promise.resolve(createMemoryStore())],
  ['indexeddb', () => createIdbStore(freshDbName())],
] as const)('EventStore.delete on %s', (_name, make: () => Promise<Store>) => {
  it('deletes exactly the event with that id and reports whether it existed', async () => {
    const store = await make();
    const a = await store.events.add({ type: 'view', itemId: 'a', timestamp: 1 });
    const b = await store.events.add({ type: 'click', itemId: 'b', timestamp: 2 });
    const c = await store.events.add({ type: 'view', itemId: 'c', timestamp: 3 });
    expect(await store.events.delete(b.id)).toBe(true);
    expect((await store.events.all()).map((e) => e.id)).toEqual([a.id, c.id]);
    expect(await store.events.delete(b.id)).toBe(false);
    expect(await store.events.delete(9999)).toBe(false);
    expect(await store.events.count()).toBe(2);
    store.close();
  });
});

describe('Personalizer.deleteEvent', () => {
  it('deletes one event durably, drops what was adapted on it, and un-hides its item', async () => {
    const fx = await makeFixture();
    const dbName = freshDbName();
    const make = async () => {
      const p = await createPersonalizer({ bundle: BASE, backend: 'cpu', dbName, fetch: fx.fetch });
      open.push(p);
      return p;
    };
    const p = await make();
    const adapted: AdaptationInfo[] = [];
    p.on('adapted', (info) => adapted.push(info));
    await p.track({ type: 'click', itemId: 'item-0' });
    await p.track({ type: 'add_to_cart', itemId: 'item-3' });
    await p.recommend();
    expect(adapted).toHaveLength(1);
    const [first, second] = await p.events();

    await expect(p.deleteEvent(0)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(p.deleteEvent('1' as unknown as number)).rejects.toMatchObject({ field: 'id' });
    expect(await p.deleteEvent(second!.id)).toBe(true);
    expect(await p.deleteEvent(second!.id)).toBe(false);
    expect((await p.events()).map((e) => e.id)).toEqual([first!.id]);
    expect((await p.stats()).lastAdaptation).toBeNull();

    // The next recommendation adapts again, on the one event left; item-3 is no longer "seen".
    const all = await p.recommend({ k: fx.ids.length });
    expect(adapted).toHaveLength(2);
    expect(adapted[1]!.cached).toBe(false);
    expect(adapted[1]!.supportSize).toBeLessThan(adapted[0]!.supportSize);
    expect(all.map((r) => r.itemId)).toContain('item-3');
    expect(all.map((r) => r.itemId)).not.toContain('item-0');

    // A reload sees the deletion.
    await p.dispose();
    const again = await make();
    expect((await again.events()).map((e) => e.itemId)).toEqual(['item-0']);

    // Deleting the last event returns to the initialization.
    expect(await again.deleteEvent(first!.id)).toBe(true);
    expect(await again.stats()).toMatchObject({ events: 0, lastAdaptation: null });
    expect(await again.recommend({ k: fx.ids.length })).toHaveLength(fx.ids.length);
  });
});
