import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsvDataset, synthShop, writeShop } from 'attune/node';

describe('synthetic shop', () => {
  it('is deterministic given the seed, and differs across seeds', () => {
    const a = synthShop({ seed: 3, items: 40, visitors: 30 });
    const b = synthShop({ seed: 3, items: 40, visitors: 30 });
    const c = synthShop({ seed: 4, items: 40, visitors: 30 });
    expect(b).toEqual(a);
    expect(c.events).not.toEqual(a.events);
  });

  it('has 8 departments, brands, prices, names and the whole event funnel', () => {
    const shop = synthShop({ seed: 1, items: 80, visitors: 200 });
    expect(new Set(shop.catalog.map((p) => p.category)).size).toBe(8);
    expect(new Set(shop.catalog.map((p) => p.brand)).size).toBeGreaterThan(16);
    expect(shop.catalog.every((p) => p.price > 0 && p.name.length > 3)).toBe(true);
    const types = new Set(shop.events.map((e) => e.type));
    expect([...types].sort()).toEqual(['add_to_cart', 'click', 'impression', 'purchase', 'view']);
  });

  it('visitors favour few departments (hidden tastes are learnable)', () => {
    const shop = synthShop({ seed: 2, items: 80, visitors: 200 });
    const byUser = new Map<string, Map<string, number>>();
    const category = new Map(shop.catalog.map((p) => [p.id, p.category]));
    for (const e of shop.events) {
      if (e.type !== 'click' && e.type !== 'view') continue;
      const m = byUser.get(e.user) ?? new Map<string, number>();
      m.set(category.get(e.item) as string, (m.get(category.get(e.item) as string) ?? 0) + 1);
      byUser.set(e.user, m);
    }
    const topTwoShare = [...byUser.values()].map((m) => {
      const counts = [...m.values()].sort((x, y) => y - x);
      return ((counts[0] ?? 0) + (counts[1] ?? 0)) / counts.reduce((s, x) => s + x, 0);
    });
    expect(topTwoShare.reduce((s, x) => s + x, 0) / topTwoShare.length).toBeGreaterThan(0.8);
  });

  it('writes the generic format that loadCsvDataset reads, plus catalog.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-synth-'));
    const shop = synthShop({ seed: 5, items: 24, visitors: 10 });
    writeShop(dir, shop);
    const data = loadCsvDataset(dir);
    expect(data.feedback).toBe('implicit');
    expect(data.items.map((i) => i.id)).toEqual(shop.catalog.map((p) => p.id));
    expect(data.interactions).toHaveLength(shop.events.length);
    expect(data.features.map((f) => `${f.name}:${f.kind}`)).toEqual(['category:categorical', 'brand:categorical', 'price:numeric']);
    const catalog = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8'));
    expect(catalog[0]).toEqual(shop.catalog[0]);
    expect(Object.keys(catalog[0]).sort()).toEqual(['brand', 'category', 'id', 'name', 'price']);
  });
});
