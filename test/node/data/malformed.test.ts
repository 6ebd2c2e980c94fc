import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, loadCsvDataset } from 'attune/node';

// Malformed generic-format files not already covered by generic.test.ts (which checks missing
// interaction columns, non-numeric ratings, unknown item ids and unknown types, among others).

const ITEMS = 'id,genre:cat\na,x\nb,y\n';
const INTERACTIONS = 'user,item,type,value,timestamp\nu1,a,rating,4,1\nu2,b,rating,2,2\n';

function load(files: { items?: string; interactions?: string; users?: string }): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'attune-malformed-'));
  const write = (name: string, text: string | undefined): void => {
    if (text !== undefined) writeFileSync(join(dir, name), text);
  };
  write('items.csv', files.items ?? ITEMS);
  write('interactions.csv', files.interactions ?? INTERACTIONS);
  write('users.csv', files.users);
  return loadCsvDataset(dir);
}

const cases: [string, Parameters<typeof load>[0], RegExp][] = [
  ['an empty users file', { users: '' }, /users\.csv: the file is empty \(expected a header line\)/],
  ['a users file with only a header', { users: 'id,country\n' }, /users\.csv: no users \(only a header\)/],
  ['a users file without an id column', { users: 'name,country\nu1,DE\n' }, /users\.csv:1: missing column\(s\) id; the header has: name, country/],
  ['an empty user id in the users file', { users: 'id,country\nu1,DE\n,FR\n' }, /users\.csv:3: empty user id/],
  ['a duplicate user id in the users file', { users: 'id,country\nu1,DE\nu2,FR\nu1,IT\n' }, /users\.csv:4: duplicate user id "u1"/],
  ['an interaction row with a missing column', { interactions: 'user,item,type,value,timestamp\nu1,a,rating,4,1\nu2,b,rating,2\n' }, /interactions\.csv:3: expected 5 columns \(user,item,type,value,timestamp\), found 4/],
  ['an items file without an id column', { items: 'name,genre:cat\na,x\n' }, /items\.csv:1: missing column\(s\) id/],
  ['an items file with only a header', { items: 'id,genre:cat\n' }, /items\.csv: no items \(only a header\)/],
  ['an empty item id', { items: 'id,genre:cat\na,x\n,y\n' }, /items\.csv:3: empty item id/],
  ['a quoted field never closed', { interactions: 'user,item,type,value,timestamp\nu1,a,rating,4,1\n"u2,b,rating,2,2\n' }, /interactions\.csv:3: a quoted field is never closed/],
];

describe('malformed generic CSV files', () => {
  for (const [name, files, message] of cases) {
    it(`rejects ${name}, naming file, line and problem`, () => {
      expect(() => load(files)).toThrow(message);
    });
  }

  it('rejects a missing items file by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-malformed-'));
    writeFileSync(join(dir, 'interactions.csv'), INTERACTIONS);
    expect(() => loadCsvDataset(dir)).toThrow(/items\.csv: file not found/);
  });

  it('rejects random bytes by the missing header, not by some row\'s column count', () => {
    const bytes = Uint8Array.from({ length: 600 }, (_, i) => (i * 7919 + 13) % 256); // deterministic junk with commas and newlines
    const dir = mkdtempSync(join(tmpdir(), 'attune-malformed-'));
    writeFileSync(join(dir, 'items.csv'), ITEMS);
    writeFileSync(join(dir, 'interactions.csv'), bytes);
    expect(() => loadCsvDataset(dir)).toThrow(/interactions\.csv:1: missing column\(s\) user, item, type, timestamp; .*\(the first line must name the columns user, item, type, timestamp\)/);
  });

  it('rejects a folder where a CSV file should be, by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-malformed-'));
    writeFileSync(join(dir, 'items.csv'), ITEMS);
    mkdirSync(join(dir, 'interactions.csv'));
    expect(() => loadCsvDataset(dir)).toThrow(DataError);
    expect(() => loadCsvDataset(dir)).toThrow(/interactions\.csv: is a folder, expected a CSV file/);
  });

  it('still loads the valid files these cases are built from', () => {
    expect(load({ users: 'id,country\nu1,DE\nu2,FR\n' })).toMatchObject({ feedback: 'rating', users: [{ id: 'u1' }, { id: 'u2' }] });
  });
});
