import { describe, expect, it } from 'vitest';
import { hasMovielens, loadMovielens, movielensDir } from 'attune/node';

const present = hasMovielens();
if (!present && process.env.CI === 'true') throw new Error(`MovieLens-100K is missing at ${movielensDir()} (CI=true requires it; set ATTUNE_DATA)`);
if (!present) console.warn(`skipping MovieLens loader tests: no data at ${movielensDir()} (download ml-100k from https://grouplens.org/datasets/movielens/100k/ and set ATTUNE_DATA to its parent folder)`);

describe.skipIf(!present)('MovieLens-100K loader', () => {
  it('reads ratings, items with genres and year, and users', () => {
    const data = loadMovielens();
    expect(data.feedback).toBe('rating');
    expect(data.interactions).toHaveLength(100_000);
    expect(data.items).toHaveLength(1682);
    expect(data.users).toHaveLength(943);
    expect(new Set(data.interactions.map((e) => e.user)).size).toBe(943);
    const toy = data.items[0];
    expect(toy?.id).toBe('1');
    expect(toy?.display.title).toBe('Toy Story (1995)');
    expect(toy?.features).toEqual({ genre: ['Animation', "Children's", 'Comedy'], year: 1995 });
    // latin1 titles decode (u.item is not UTF-8).
    expect(data.items.some((it) => /é/.test(it.display.title ?? ''))).toBe(true);
    const genre = data.features.find((f) => f.name === 'genre');
    expect(genre?.kind).toBe('multi');
    expect(genre && genre.kind === 'multi' ? genre.vocab.length : 0).toBe(19);
    const year = data.features.find((f) => f.name === 'year');
    expect(year?.kind === 'numeric' && year.mean > 1980 && year.mean < 2000).toBe(true);
    const first = data.interactions[0];
    expect(first).toMatchObject({ user: '196', type: 'rating', value: 3, ts: 881250949000 });
    expect(data.items[first?.itemIndex ?? -1]?.id).toBe('242');
    expect(data.users?.[0]).toEqual({ id: '1', attributes: { age: '24', gender: 'M', occupation: 'technician', zip: '85711' } });
  });
});
