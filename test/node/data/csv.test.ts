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

  it('checks the required columns on the header before any row, so a file without that header is named as such', () => {
    // One "column" of junk on line 1, two on line 3: without the header check, line 3 would be blamed.
    const junk = '\u0001\u00e3$\ufffd\n\u0002x\n\u0003,y\n';
    expect(() => parseCsv(junk, 'j.csv')).toThrow(/j\.csv:3: expected 1 columns/);
    const missing = /j\.csv:1: missing column\(s\) user, item; the header has: unreadable bytes \(is this a UTF-8 CSV file\?\) \(the first line must name the columns user, item\)/;
    expect(() => parseCsv(junk, 'j.csv', ['user', 'item'])).toThrow(missing);
    expect(() => parseCsv(`${junk}"\u0004\n`, 'j.csv', ['user', 'item'])).toThrow(missing); // even before a quote never closed
    expect(() => parseCsv('v1,p2,click\nv2,p3\n', 'h.csv', ['user'])).toThrow(/h\.csv:1: missing column\(s\) user; the header has: v1, p2, click/);
  });
});
