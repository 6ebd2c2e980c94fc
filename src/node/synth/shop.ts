import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../core/random.js';
import { makeCatalog, type Product } from './catalog.js';
import { simulateVisitor, type SynthEvent } from './visitors.js';

export interface SynthOptions {
  /** Default 1. The same seed always gives the same shop. */
  readonly seed?: number;
  /** Catalog size; default 240. */
  readonly items?: number;
  /** Simulated visitors; default 1200. */
  readonly visitors?: number;
  /** Departments (at most 8); default 8. */
  readonly categories?: number;
}

export interface SynthShop {
  readonly catalog: readonly Product[];
  /** Every visitor's events, visitor after visitor, each in time order. */
  readonly events: readonly SynthEvent[];
  readonly options: Required<SynthOptions>;
}

/** Resolved defaults, so callers (and the default-bundle settings hash) see one set of values. */
export function synthDefaults(options: SynthOptions = {}): Required<SynthOptions> {
  return { seed: options.seed ?? 1, items: options.items ?? 240, visitors: options.visitors ?? 1200, categories: options.categories ?? 8 };
}

/**
 * Generates a seeded synthetic shop: a catalog with departments, brands and
 * prices, and visitors with hidden tastes who browse, click, add to cart and buy.
 */
export function synthShop(options: SynthOptions = {}): SynthShop {
  const o = synthDefaults(options);
  const rng = createRng(o.seed);
  const catalog = makeCatalog(rng, o.items, o.categories);
  const width = String(o.visitors).length;
  const day0 = Date.UTC(2026, 0, 1);
  const events: SynthEvent[] = [];
  for (let v = 0; v < o.visitors; v++) {
    const start = day0 + rng.int(30 * 24 * 3600) * 1000;
    events.push(...simulateVisitor(rng, `v${String(v + 1).padStart(width, '0')}`, catalog, start));
  }
  return { catalog, events, options: o };
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes the shop in the generic format (items.csv, interactions.csv) plus
 * catalog.json for the demo. Returns the paths written.
 */
export function writeShop(dir: string, shop: SynthShop): string[] {
  mkdirSync(dir, { recursive: true });
  const items = ['id,name,category:cat,brand:cat,price:num', ...shop.catalog.map((p) => [p.id, p.name, p.category, p.brand, p.price].map(csvField).join(','))];
  const events = ['user,item,type,value,timestamp', ...shop.events.map((e) => `${csvField(e.user)},${csvField(e.item)},${e.type},,${e.ts}`)];
  const paths = [join(dir, 'items.csv'), join(dir, 'interactions.csv'), join(dir, 'catalog.json')];
  writeFileSync(paths[0] as string, items.join('\n') + '\n');
  writeFileSync(paths[1] as string, events.join('\n') + '\n');
  writeFileSync(paths[2] as string, JSON.stringify(shop.catalog, null, 1) + '\n');
  return paths;
}
