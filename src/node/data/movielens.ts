import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemFeatures } from '../../models/recommender.js';
import type { Dataset, DatasetInteraction, DatasetItem, DatasetUser } from './dataset.js';
import { DataError } from './errors.js';
import { deriveFeatures } from './features.js';
import { dataRoot } from '../paths.js';

/** The 19 genre flags of `u.item`, in file order (`u.genre`). */
export const ML_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

/**
 * Where MovieLens-100K is expected: `<data root>/ml-100k`.
 *
 * @example
 * console.log(movielensDir()); // '<data root>/ml-100k'
 */
export function movielensDir(): string {
  return join(dataRoot(), 'ml-100k');
}

/**
 * True when `dir` holds the three MovieLens-100K files the loader reads.
 *
 * @example
 * const data = hasMovielens() ? loadMovielens() : loadCsvDataset('data/my-shop');
 */
export function hasMovielens(dir = movielensDir()): boolean {
  return ['u.data', 'u.item', 'u.user'].every((f) => existsSync(join(dir, f)));
}

function readLines(dir: string, file: string, encoding: BufferEncoding): string[] {
  const path = join(dir, file);
  if (!existsSync(path)) throw new DataError(path, 0, 'file not found (MovieLens-100K: https://grouplens.org/datasets/movielens/100k/)');
  return readFileSync(path, encoding).split(/\r?\n/).filter((l) => l.trim() !== '');
}

function parseItems(dir: string): DatasetItem[] {
  // u.item is latin1 (titles such as "Misérables").
  return readLines(dir, 'u.item', 'latin1').map((line, i) => {
    const f = line.split('|');
    if (f.length < 5 + ML_GENRES.length) throw new DataError(join(dir, 'u.item'), i + 1, `expected 24 fields, found ${f.length}`);
    const year = /(\d{4})$/.exec(f[2] ?? '')?.[1];
    const genre = ML_GENRES.filter((_, g) => f[5 + g] === '1');
    const features: ItemFeatures = { genre, year: year ? Number(year) : null };
    return { id: f[0] as string, features, display: { title: f[1] ?? '', released: f[2] ?? '' } };
  });
}

function parseUsers(dir: string): DatasetUser[] {
  return readLines(dir, 'u.user', 'utf8').map((line) => {
    const [id, age, gender, occupation, zip] = line.split('|');
    return { id: id as string, attributes: { age: age ?? '', gender: gender ?? '', occupation: occupation ?? '', zip: zip ?? '' } };
  });
}

function parseRatings(dir: string, rowOf: Map<string, number>): DatasetInteraction[] {
  const file = join(dir, 'u.data');
  return readLines(dir, 'u.data', 'utf8').map((line, i) => {
    const [user, item, rating, ts] = line.split('\t');
    const row = rowOf.get(item ?? '');
    const value = Number(rating);
    if (row === undefined) throw new DataError(file, i + 1, `unknown item id ${JSON.stringify(item)}`);
    if (!Number.isFinite(value)) throw new DataError(file, i + 1, `rating ${JSON.stringify(rating)} is not a number`);
    return { user: user as string, itemIndex: row, type: 'rating' as const, value, ts: Number(ts) * 1000 };
  });
}

/**
 * Loads MovieLens-100K from `dir` (default `movielensDir()`): ratings from
 * `u.data`, items from `u.item` (multi-hot `genre`, numeric release `year`,
 * title kept for display), users from `u.user`. Ids stay the MovieLens ids, as strings.
 *
 * @example
 * const data = loadMovielens();
 * console.log(data.items.length, data.interactions.length); // 1682 100000
 */
export function loadMovielens(dir = movielensDir()): Dataset {
  const items = parseItems(dir);
  const rowOf = new Map(items.map((it, i) => [it.id, i]));
  const features = deriveFeatures([{ name: 'genre', kind: 'multi' }, { name: 'year', kind: 'numeric' }], items.map((it) => it.features));
  return { name: 'movielens-100k', feedback: 'rating', items, features, interactions: parseRatings(dir, rowOf), users: parseUsers(dir) };
}
