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
 * are skipped. `file` only labels errors. `required` columns are checked on the
 * header before any row, so a file that is not this kind of CSV at all (no
 * header, random bytes) is reported as such rather than by some row's width.
 *
 * @example
 * const { header, records } = parseCsv(readFileSync('items.csv', 'utf8'), 'items.csv', ['id']);
 */
export function parseCsv(text: string, file: string, required: readonly string[] = []): CsvTable {
  const { records: rows, unclosedQuoteLine } = splitRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const unclosed = unclosedQuoteLine > 0 ? new DataError(file, unclosedQuoteLine, 'a quoted field is never closed') : undefined;
  const first = rows.shift();
  if (!first) throw unclosed ?? new DataError(file, 0, 'the file is empty (expected a header line)');
  const header = first.cells.map((h) => h.trim());
  columnIndex(file, header, required);
  if (unclosed) throw unclosed;
  rows.forEach((r) => {
    if (r.cells.length !== header.length) {
      throw new DataError(file, r.line, `expected ${header.length} columns (${header.join(',')}), found ${r.cells.length}`);
    }
  });
  return { file, header, records: rows };
}

/** The records, and the line of a quote never closed (0 if none): reported after the header check. */
function splitRecords(text: string): { records: CsvRecord[]; unclosedQuoteLine: number } {
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
  endRecord();
  return { records: out, unclosedQuoteLine: quoted ? quoteLine : 0 };
}

/** Index of each required column; throws naming the missing ones and what the header has. */
export function requireColumns(table: CsvTable, names: readonly string[]): Record<string, number> {
  return columnIndex(table.file, table.header, names);
}

function columnIndex(file: string, header: readonly string[], names: readonly string[]): Record<string, number> {
  const index: Record<string, number> = {};
  const missing: string[] = [];
  for (const name of names) {
    const i = header.indexOf(name);
    if (i < 0) missing.push(name);
    else index[name] = i;
  }
  if (missing.length > 0) {
    throw new DataError(file, 1, `missing column(s) ${missing.join(', ')}; the header has: ${describeHeader(header)} (the first line must name the columns ${names.join(', ')})`);
  }
  return index;
}

/** The header for an error message: binary junk is named, not echoed to the terminal. */
function describeHeader(header: readonly string[]): string {
  const text = header.join(', ');
  // U+FFFD is what invalid UTF-8 decodes to; control characters are never in a real header.
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) return 'unreadable bytes (is this a UTF-8 CSV file?)';
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
