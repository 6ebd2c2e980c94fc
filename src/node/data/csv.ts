import { DataError } from './errors.js';

/** One parsed record and the (1-based) line it starts on. */
export interface CsvRecord {
  /** 1-based line the record starts on. */
  readonly line: number;
  /** The record's fields, unquoted. */
  readonly cells: readonly string[];
}

/**
 * A parsed CSV file: its header and records.
 *
 * @example
 * const table = parseCsv('id,name\nsku-1,"Boots, brown"\n', 'items.csv');
 * console.log(table.header, table.records[0]?.cells); // ['id', 'name'] ['sku-1', 'Boots, brown']
 */
export interface CsvTable {
  /** The file name, used in errors. */
  readonly file: string;
  /** Column names of the first line. */
  readonly header: readonly string[];
  /** Every data record, in file order. */
  readonly records: readonly CsvRecord[];
}

/**
 * Parses RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line
 * breaks; LF and CRLF line ends; a UTF-8 byte-order mark is ignored; blank lines
 * are skipped. `file` only labels errors.
 *
 * @example
 * const { header, records } = parseCsv(readFileSync('items.csv', 'utf8'), 'items.csv');
 */
export function parseCsv(text: string, file: string): CsvTable {
  const rows = splitRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  const first = rows.shift();
  if (!first) throw new DataError(file, 0, 'the file is empty (expected a header line)');
  const header = first.cells.map((h) => h.trim());
  rows.forEach((r) => {
    if (r.cells.length !== header.length) {
      throw new DataError(file, r.line, `expected ${header.length} columns (${header.join(',')}), found ${r.cells.length}`);
    }
  });
  return { file, header, records: rows };
}

function splitRecords(text: string, file: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  const endRecord = (): void => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') out.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') (quoted = true), (quoteLine = line);
    else if (ch === ',') cells.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new DataError(file, quoteLine, 'a quoted field is never closed');
  endRecord();
  return out;
}

/** Index of each required column; throws naming the missing ones and what the header has. */
export function requireColumns(table: CsvTable, names: readonly string[]): Record<string, number> {
  const index: Record<string, number> = {};
  const missing: string[] = [];
  for (const name of names) {
    const i = table.header.indexOf(name);
    if (i < 0) missing.push(name);
    else index[name] = i;
  }
  if (missing.length > 0) {
    throw new DataError(table.file, 1, `missing column(s) ${missing.join(', ')}; the header has: ${table.header.join(', ')}`);
  }
  return index;
}
