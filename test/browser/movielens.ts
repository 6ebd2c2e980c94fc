/** MovieLens-100K for the real-data browser test: where the data is, users' ratings, nDCG@10. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './harness.js';

/** ATTUNE_DATA, default ../shared/data next to the repository. */
export const DATA_DIR = resolve(ROOT, process.env.ATTUNE_DATA ?? '../shared/data');
export const ML_DIR = join(DATA_DIR, 'ml-100k');

/** Whether ML-100K is present; in CI (CI=true) a missing data set is an error, elsewhere a skip with a hint. */
export function movielensAvailable(): boolean {
  if (existsSync(join(ML_DIR, 'u.data'))) return true;
  const hint = `MovieLens-100K not found at ${ML_DIR}: download https://files.grouplens.org/datasets/movielens/ml-100k.zip, unzip it into <data>/ml-100k and set ATTUNE_DATA=<data>`;
  if (process.env.CI === 'true') throw new Error(hint);
  console.warn(`[skip] ${hint}`);
  return false;
}

export interface Rating {
  readonly item: string;
  readonly rating: number;
  /** Milliseconds since the epoch (u.data has seconds). */
  readonly ts: number;
}

/** Every user's ratings in time order (ties broken by item id so the order is stable). */
export function readRatingsByUser(): Map<string, Rating[]> {
  const byUser = new Map<string, Rating[]>();
  for (const line of readFileSync(join(ML_DIR, 'u.data'), 'utf8').split('\n')) {
    const [user, item, rating, seconds] = line.trim().split('\t');
    if (!user || !item || !rating || !seconds) continue;
    const list = byUser.get(user) ?? [];
    list.push({ item, rating: Number(rating), ts: Number(seconds) * 1000 });
    byUser.set(user, list);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.ts - b.ts || Number(a.item) - Number(b.item));
  return byUser;
}

/**
 * nDCG@k of a ranking (item ids, best first) against true ratings, with gain
 * 2^rating − 1 and log2 discount. Items missing from `truth` gain nothing.
 */
export function ndcgAt(k: number, ranking: readonly string[], truth: ReadonlyMap<string, number>): number {
  const gain = (r: number) => 2 ** r - 1;
  const dcg = (gains: readonly number[]) => gains.slice(0, k).reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  const ideal = dcg([...truth.values()].map(gain).sort((a, b) => b - a));
  return ideal === 0 ? 0 : dcg(ranking.map((id) => gain(truth.get(id) ?? 0))) / ideal;
}
