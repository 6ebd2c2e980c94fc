import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsvDataset } from 'attune/node';

const ITEMS = 'id,name,category:cat,tags:multi,price:num\r\na,"Lamp, tall",home,"x|y",10\r\nb,Mug,home,y,20\r\nc,Book,books,,\r\n';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'attune-csv-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const load = (interactions: string, items = ITEMS, extra: Record<string, string> = {}) =>
  loadCsvDataset(folder({ 'items.csv': items, 'interactions.csv': interactions, ...extra }));

describe('generic CSV format', () => {
  it('loads items, features, interactions and users', () => {
    const data = load('user,item,type,value,timestamp\nu1,a,click,,100\nu1,b,purchase,,2026-01-02T00:00:00Z\nu2,c,view,,\n', ITEMS, { 'users.csv': 'id,country\nu1,DE\nu2,FR\n' });
    expect(data.feedback).toBe('implicit');
    expect(data.items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(data.items[0]?.display).toEqual({ name: 'Lamp, tall' });
    expect(data.items[0]?.features).toEqual({ category: 'home', tags: ['x', 'y'], price: 10 });
    expect(data.items[2]?.features).toEqual({ category: 'books', tags: null, price: null });
    expect(data.features).toEqual([
      { name: 'category', kind: 'categorical', vocab: ['home', 'books'] },
      { name: 'tags', kind: 'multi', vocab: ['y', 'x'] },
      { name: 'price', kind: 'numeric', mean: 15, std: 5 },
    ]);
    expect(data.interactions[0]).toEqual({ user: 'u1', itemIndex: 0, type: 'click', ts: 100_000 });
    expect(data.interactions[1]?.ts).toBe(Date.parse('2026-01-02T00:00:00Z'));
    expect(data.users).toEqual([{ id: 'u1', attributes: { country: 'DE' } }, { id: 'u2', attributes: { country: 'FR' } }]);
  });

  it('detects explicit ratings', () => {
    const data = load('user,item,type,value,timestamp\nu1,a,rating,4.5,1\n');
    expect(data.feedback).toBe('rating');
    expect(data.interactions[0]?.value).toBe(4.5);
  });

  const cases: [string, () => unknown, RegExp][] = [
    ['missing columns', () => load('user,item,value\nu1,a,1\n'), /interactions\.csv:1: missing column\(s\) type, timestamp/],
    ['a non-numeric rating', () => load('user,item,type,value,timestamp\nu1,a,rating,4,1\nu1,b,rating,great,2\n'), /interactions\.csv:3: rating value "great" is not a number/],
    ['a rating without value', () => load('user,item,type,value,timestamp\nu1,a,rating,,1\n'), /interactions\.csv:2: rating value "" is not a number/],
    ['an unknown item id', () => load('user,item,type,value,timestamp\nu1,zzz,click,,1\n'), /interactions\.csv:2: unknown item id "zzz"/],
    ['an unknown type', () => load('user,item,type,value,timestamp\nu1,a,like,,1\n'), /interactions\.csv:2: unknown type "like"; valid: impression, view, click, add_to_cart, purchase, rating/],
    ['an empty user', () => load('user,item,type,value,timestamp\n,a,click,,1\n'), /interactions\.csv:2: empty user id/],
    ['no interactions (no users)', () => load('user,item,type,value,timestamp\n'), /interactions\.csv: no interactions, so no users/],
    ['an empty interactions file', () => load(''), /interactions\.csv: the file is empty/],
    ['a non-numeric price', () => load('user,item,type,value,timestamp\n', 'id,price:num\na,cheap\n'), /items\.csv:2: column "price": "cheap" is not a number/],
    ['an unknown type suffix', () => load('user,item,type,value,timestamp\n', 'id,price:money\na,1\n'), /items\.csv:1: column "price:money": unknown type suffix; valid: cat/],
    ['a duplicate item id', () => load('user,item,type,value,timestamp\n', 'id,price:num\na,1\na,2\n'), /items\.csv:3: duplicate item id "a"/],
    ['a bad timestamp', () => load('user,item,type,value,timestamp\nu1,a,click,,yesterday\n'), /interactions\.csv:2: timestamp "yesterday"/],
  ];
  for (const [name, run, message] of cases) {
    it(`rejects ${name} naming file, line and problem`, () => {
      expect(run).toThrow(message);
    });
  }

  it('throws DataError with file and line fields', () => {
    try {
      load('user,item,type,value,timestamp\nu1,a,click,,1\nu1,nope,click,,2\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'DataError', code: 'invalid-data', line: 3 });
      expect((e as { file: string }).file).toMatch(/interactions\.csv$/);
    }
  });
});
