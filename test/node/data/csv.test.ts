import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/node/data/csv.js';
import { DataError } from '../../../src/node/data/errors.js';

describe('parseCsv', () => {
  it('reads quotes, commas and line breaks inside quotes, doubled quotes and CRLF', () => {
    const t = parseCsv('\ufeffid,name,tags\r\n1,"Mill, & Co","a|b"\r\n2,"say ""hi""\nthere",x\r\n\r\n3,plain,\r\n', 'items.csv');
    expect(t.header).toEqual(['id', 'name', 'tags']);
    expect(t.records.map((r) => r.cells)).toEqual([
      ['1', 'Mill, & Co', 'a|b'],
      ['2', 'say "hi"\nthere', 'x'],
      ['3', 'plain', ''],
    ]);
    expect(t.records.map((r) => r.line)).toEqual([2, 3, 6]);
  });

  it('names the file and line of a row with the wrong number of columns', () => {
    expect(() => parseCsv('a,b\n1,2\n1,2,3\n', 'x.csv')).toThrow(/x\.csv:3: expected 2 columns/);
  });

  it('rejects an unclosed quote and an empty file', () => {
    expect(() => parseCsv('a,b\n1,"oops\n', 'q.csv')).toThrow(/q\.csv:2: a quoted field is never closed/);
    const error = (() => {
      try {
        parseCsv('', 'empty.csv');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/empty\.csv: the file is empty/);
  });
});
