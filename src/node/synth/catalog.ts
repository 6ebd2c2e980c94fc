import type { Rng } from '../../core/random.js';

/** One product of the synthetic shop, as the demo displays it. */
export interface Product {
  /** Item id, e.g. `'p001'`. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Department. */
  readonly category: string;
  /** Brand. */
  readonly brand: string;
  /** Price in the shop's currency. */
  readonly price: number;
}

interface CategoryTheme {
  readonly name: string;
  readonly basePrice: number;
  readonly nouns: readonly string[];
  readonly brands: readonly string[];
}

/** Eight departments, each with its own price level, products and brands. */
export const THEMES: readonly CategoryTheme[] = [
  { name: 'electronics', basePrice: 180, nouns: ['Headphones', 'Speaker', 'Smartwatch', 'Charger', 'Keyboard', 'Webcam'], brands: ['Voltix', 'Nordson', 'Pixelo', 'Arcwave'] },
  { name: 'books', basePrice: 18, nouns: ['Novel', 'Cookbook', 'Atlas', 'Memoir', 'Thriller', 'Poetry Collection'], brands: ['Inkwell', 'Paperlane', 'Folio', 'Quillhouse'] },
  { name: 'clothing', basePrice: 45, nouns: ['Jacket', 'Sweater', 'Jeans', 'T-Shirt', 'Scarf', 'Dress'], brands: ['Lumen', 'Threadly', 'Northfold', 'Vela'] },
  { name: 'home', basePrice: 60, nouns: ['Lamp', 'Cushion', 'Vase', 'Blanket', 'Mug Set', 'Clock'], brands: ['Hearth', 'Casa Nova', 'Oakly', 'Dwell'] },
  { name: 'sports', basePrice: 70, nouns: ['Yoga Mat', 'Dumbbells', 'Running Shoes', 'Water Bottle', 'Tennis Racket', 'Backpack'], brands: ['Stride', 'Peakline', 'Flexon', 'Kinetic'] },
  { name: 'beauty', basePrice: 25, nouns: ['Serum', 'Lipstick', 'Face Mask', 'Perfume', 'Shampoo', 'Hand Cream'], brands: ['Aurelle', 'Bloom', 'Siena', 'Purely'] },
  { name: 'toys', basePrice: 30, nouns: ['Puzzle', 'Building Set', 'Plush Bear', 'Board Game', 'Kite', 'Toy Train'], brands: ['Wobble', 'Tinker', 'Jolly', 'Brightkid'] },
  { name: 'grocery', basePrice: 9, nouns: ['Coffee Beans', 'Olive Oil', 'Tea', 'Chocolate', 'Granola', 'Honey'], brands: ['Fieldstone', 'Harvest', 'Greenleaf', 'Mill & Co'] },
];

const ADJECTIVES = ['Classic', 'Premium', 'Compact', 'Deluxe', 'Everyday', 'Eco', 'Pro', 'Mini', 'Vintage', 'Ultra', 'Soft', 'Bold'];

/**
 * A seeded catalog spread evenly over `categories` departments. Prices follow
 * the department's level, a per-brand tier and log-normal noise, so price is
 * informative but not identical to category.
 */
export function makeCatalog(rng: Rng, size: number, categories: number): Product[] {
  const themes = THEMES.slice(0, Math.max(1, Math.min(categories, THEMES.length)));
  const tiers = new Map(themes.flatMap((t) => t.brands.map((b) => [b, 0.6 + rng.next() * 1.2] as const)));
  const width = String(size).length;
  return Array.from({ length: size }, (_, i) => {
    const theme = themes[i % themes.length] as CategoryTheme;
    const brand = theme.brands[rng.int(theme.brands.length)] as string;
    const noun = theme.nouns[rng.int(theme.nouns.length)] as string;
    const adjective = ADJECTIVES[rng.int(ADJECTIVES.length)] as string;
    const price = theme.basePrice * (tiers.get(brand) as number) * Math.exp(0.35 * rng.normal());
    return { id: `p${String(i + 1).padStart(width, '0')}`, name: `${brand} ${adjective} ${noun}`, category: theme.name, brand, price: Math.round(price * 100) / 100 };
  });
}
