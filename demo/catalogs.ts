/**
 * The demo's two catalogs: the default synthetic shop (implicit events:
 * views, clicks, carts) and MovieLens-100K (ratings), each with its own
 * bundle, display catalog and IndexedDB database. `?catalog=movielens`
 * picks the second; `npm run bundle:movielens` builds it from the
 * MovieLens-100K files when they are present.
 */
import type { TrackEvent } from 'attune';
import type { Product } from './view.js';

export interface CatalogSource {
  readonly key: 'shop' | 'movielens';
  readonly title: string;
  readonly bundle: string;
  readonly catalog: string;
  /** IndexedDB name: two catalogs never mix their histories. */
  readonly dbName: string;
  /** What opening a card means, and what the card's button does (its label and events). */
  readonly open: (id: string) => TrackEvent[];
  readonly action: { readonly label: string; readonly events: (id: string) => TrackEvent[] };
  /** The raw catalog.json rows as demo products. */
  readonly toProducts: (rows: readonly Record<string, unknown>[]) => Product[];
  /** How to build the bundle when it is missing. */
  readonly buildHint: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

const SHOP: CatalogSource = {
  key: 'shop',
  title: 'Shop',
  bundle: '/bundles/shop/',
  catalog: '/shop/catalog.json',
  dbName: 'attune',
  open: (itemId) => [{ type: 'view', itemId }, { type: 'click', itemId }],
  action: { label: 'Add to cart', events: (itemId) => [{ type: 'add_to_cart', itemId }] },
  toProducts: (rows) =>
    rows.map((r) => ({ id: text(r.id), name: text(r.name), category: text(r.category), meta: `${text(r.brand)} · ${text(r.category)}`, price: Number(r.price) })),
  buildHint: 'run `npm run bundle:default` (npm start does)',
};

const MOVIELENS: CatalogSource = {
  key: 'movielens',
  title: 'MovieLens',
  bundle: '/bundles/movielens/',
  catalog: '/movielens/catalog.json',
  dbName: 'attune-movielens',
  // A rating bundle learns from ratings only: opening a film rates it 5, the button rates it 1.
  open: (itemId) => [{ type: 'rating', itemId, value: 5 }],
  action: { label: 'Not for me', events: (itemId) => [{ type: 'rating', itemId, value: 1 }] },
  toProducts: (rows) =>
    rows.map((r) => {
      const genres = Array.isArray(r.genre) ? r.genre.map(text) : [text(r.genre)];
      return { id: text(r.id), name: text(r.title), category: genres[0] || 'unknown', meta: [text(r.year), genres.join(', ')].filter(Boolean).join(' · ') };
    }),
  buildHint: 'run `npm run bundle:movielens` (needs MovieLens-100K under ATTUNE_DATA)',
};

export const CATALOGS: readonly CatalogSource[] = [SHOP, MOVIELENS];

/** The catalog named by `?catalog=` (default: the shop). */
export function catalogFromUrl(search: string): CatalogSource {
  const key = new URLSearchParams(search).get('catalog');
  return CATALOGS.find((c) => c.key === key) ?? SHOP;
}
