import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../core/random.js';
import { makeCatalog, type Product } from './catalog.js';
import { simulateVisitor, type SynthEvent } from './visitors.js';

/**
 * Options of `synthShop`; the same options always give the same shop.
 *
 * @example
 * const shop = synthShop({ seed: 2, items: 120, visitors: 600, categories: 4 });
 */
export interface SynthOptions {
  /**
   * Default 1. The same seed always gives the same shop.
   *
   * @example
   * synthShop({ seed: 42 });
   */
  readonly seed?: number;
  /**
   * Catalog size; default 240.
   *
   * @example
   * synthShop({ items: 500 });
   */
  readonly items?: number;
  /**
   * Simulated visitors; default 1200.
   *
   * @example
   * synthShop({ visitors: 5000 });
   */
  readonly visitors?: number;
  /**
   * Departments (at most 8); default 8.
   *
   * @example
   * synthShop({ categories: 3 });
   */
  readonly categories?: number;
}

/**
 * A generated shop: its catalog and its visitors' events.
 *
 * @example
 * const { catalog, events } = synthShop();
 * console.log(catalog.length, events.length);
 */
export interface SynthShop {
  /** The products. */
  readonly catalog: readonly Product[];
  /** Every visitor's events, visitor after visitor, each in time order. */
  readonly events: readonly SynthEvent[];
  /** The options it was made with, defaults filled in. */
  readonly options: Required<SynthOptions>;
}

/**
 * Resolved defaults, so callers (and the default-bundle settings hash) see one set of values.
 *
 * @example
 * synthDefaults({ items: 100 }); // { seed: 1, items: 100, visitors: 1200, categories: 8 }
 */
export function synthDefaults(options: SynthOptions = {}): Required<SynthOptions> {
  return { seed: options.seed ?? 1, items: options.items ?? 240, visitors: options.visitors ?? 1200, categories: options.categories ?? 8 };
}

/**
 * Generates a seeded synthetic shop: a catalog with departments, brands and
 * prices, and visitors with hidden tastes who browse, click, add to cart and buy.
 *
 * @example
 * const shop = synthShop({ seed: 1 });
 * writeShop('data/synth-shop', shop);
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
 *
 * @example
 * const written = writeShop('data/synth-shop', synthShop()); // items.csv, interactions.csv, catalog.json
 * const data = loadCsvDataset('data/synth-shop');
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
