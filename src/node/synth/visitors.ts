import { shuffle, type Rng } from '../../core/random.js';
import type { EventType } from '../../models/feedback.js';
import type { Product } from './catalog.js';

/** One simulated event, keyed by product id (the generic CSV's shape). */
export interface SynthEvent {
  /** Visitor id. */
  readonly user: string;
  /** Product id. */
  readonly item: string;
  /** What the visitor did. */
  readonly type: EventType;
  /** When, in ms since the epoch. */
  readonly ts: number;
}

/** A visitor's hidden taste: what the trainer must learn to recover from a few events. */
interface Taste {
  readonly category: ReadonlyMap<string, number>;
  readonly brand: ReadonlyMap<string, number>;
  /** > 0 likes expensive items of a department, < 0 cheap ones. */
  readonly pricePref: number;
}

function makeTaste(rng: Rng, categories: readonly string[], brands: readonly string[]): Taste {
  const favourites = shuffle([...categories], rng).slice(0, rng.next() < 0.6 ? 1 : 2);
  const category = new Map(categories.map((c) => [c, favourites.includes(c) ? 3 : -1.5 + 0.5 * rng.normal()]));
  const brand = new Map(brands.map((b) => [b, 0.4 * rng.normal()]));
  const fav = brands[rng.int(brands.length)] as string;
  brand.set(fav, (brand.get(fav) as number) + 1);
  return { category, brand, pricePref: rng.normal() };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** z-score of a price within its department, so price taste is relative. */
function priceScores(catalog: readonly Product[]): number[] {
  const logs = new Map<string, number[]>();
  for (const p of catalog) logs.set(p.category, [...(logs.get(p.category) ?? []), Math.log(p.price)]);
  const stats = new Map([...logs].map(([c, v]) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return [c, { m, s: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) || 1 }] as const;
  }));
  return catalog.map((p) => {
    const s = stats.get(p.category) as { m: number; s: number };
    return (Math.log(p.price) - s.m) / s.s;
  });
}

/**
 * Simulates one visitor's session: listing pages (mostly from a department the
 * visitor is drawn to, sometimes mixed) produce impressions; clicks, carts and
 * purchases follow the visitor's utility (category ≫ brand, price).
 */
export function simulateVisitor(rng: Rng, user: string, catalog: readonly Product[], start: number): SynthEvent[] {
  const categories = [...new Set(catalog.map((p) => p.category))];
  const taste = makeTaste(rng, categories, [...new Set(catalog.map((p) => p.brand))]);
  const zPrice = priceScores(catalog);
  const utility = (i: number): number => {
    const p = catalog[i] as Product;
    return (taste.category.get(p.category) as number) + (taste.brand.get(p.brand) as number) + 0.5 * taste.pricePref * (zPrice[i] as number);
  };
  const events: SynthEvent[] = [];
  let ts = start;
  const pages = 3 + rng.int(8);
  for (let page = 0; page < pages; page++) {
    for (const i of listing(rng, catalog, categories, taste)) {
      ts += 1000 + rng.int(4000);
      const item = (catalog[i] as Product).id;
      events.push({ user, item, type: 'impression', ts });
      const u = utility(i) + 0.7 * rng.normal();
      if (rng.next() >= sigmoid(u - 2.5)) continue;
      events.push({ user, item, type: rng.next() < 0.5 ? 'click' : 'view', ts: (ts += 2000) });
      if (rng.next() < sigmoid(u - 3.5)) events.push({ user, item, type: 'add_to_cart', ts: (ts += 30_000) });
      else continue;
      if (rng.next() < 0.5) events.push({ user, item, type: 'purchase', ts: (ts += 60_000) });
    }
  }
  return events;
}

/** Eight products on one page: from one department chosen by taste (70%) or from anywhere. */
function listing(rng: Rng, catalog: readonly Product[], categories: readonly string[], taste: Taste): number[] {
  let pool = catalog.map((_, i) => i);
  if (rng.next() < 0.7) {
    const weights = categories.map((c) => Math.exp(taste.category.get(c) as number));
    let r = rng.next() * weights.reduce((a, b) => a + b, 0);
    const chosen = categories[weights.findIndex((w) => (r -= w) < 0)] ?? categories[0];
    pool = pool.filter((i) => (catalog[i] as Product).category === chosen);
  }
  return shuffle(pool, rng).slice(0, 8);
}
