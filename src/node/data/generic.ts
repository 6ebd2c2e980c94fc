import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, type EventType } from '../../models/feedback.js';
import type { Feedback, ItemFeatures } from '../../models/recommender.js';
import { parseCsv, requireColumns, type CsvTable } from './csv.js';
import type { Dataset, DatasetInteraction, DatasetItem, DatasetUser } from './dataset.js';
import { DataError } from './errors.js';
import { deriveFeatures, type FeatureColumn, type FeatureKind } from './features.js';

/** Header suffixes that declare an item feature column (docs/data-format.md). */
const SUFFIXES: Readonly<Record<string, FeatureKind>> = {
  cat: 'categorical', categorical: 'categorical', multi: 'multi', num: 'numeric', numeric: 'numeric',
};

/**
 * Paths of a dataset's CSV files.
 *
 * @example
 * loadCsvDataset({ interactions: 'exports/events.csv', items: 'exports/products.csv' });
 */
export interface CsvFiles {
  /** interactions.csv: one event or rating per row. */
  readonly interactions: string;
  /** items.csv: one catalog item per row with its feature columns. */
  readonly items: string;
  /** users.csv (optional): user attributes. */
  readonly users?: string;
}

/**
 * Options of `loadCsvDataset`.
 *
 * @example
 * loadCsvDataset('data/my-shop', { feedback: 'implicit', name: 'my-shop' });
 */
export interface LoadCsvOptions {
  /**
   * Override the feedback kind; default `rating` if any row is a rating, else `implicit`.
   *
   * @example
   * loadCsvDataset('data/my-shop', { feedback: 'implicit' }); // ratings ≥ 4 count as positives
   */
  readonly feedback?: Feedback;
  /**
   * The dataset's name in bundles and reports; default: the folder's name.
   *
   * @example
   * loadCsvDataset('data/my-shop', { name: 'shop-2026-05' });
   */
  readonly name?: string;
}

/** Reads and parses one CSV file; a missing file, a folder or an unreadable file is a DataError naming the path. */
function readTable(path: string, required: readonly string[]): CsvTable {
  if (!existsSync(path)) throw new DataError(path, 0, 'file not found');
  if (statSync(path).isDirectory()) throw new DataError(path, 0, 'is a folder, expected a CSV file');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DataError(path, 0, `cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  return parseCsv(text, path, required);
}

/**
 * The standard file names inside a folder: interactions.csv, items.csv and (if present) users.csv.
 *
 * @example
 * const files = csvFilesIn('data/my-shop'); // { interactions: 'data/my-shop/interactions.csv', items: …, users?: … }
 */
export function csvFilesIn(dir: string): CsvFiles {
  const users = join(dir, 'users.csv');
  return { interactions: join(dir, 'interactions.csv'), items: join(dir, 'items.csv'), ...(existsSync(users) ? { users } : {}) };
}

function parseItems(table: CsvTable): { items: DatasetItem[]; columns: FeatureColumn[] } {
  const idCol = requireColumns(table, ['id']).id as number;
  const cols = table.header.map((h, i) => {
    const at = h.lastIndexOf(':');
    if (at < 0) return { i, name: h, kind: null };
    const kind = SUFFIXES[h.slice(at + 1)];
    if (!kind) throw new DataError(table.file, 1, `column "${h}": unknown type suffix; valid: ${Object.keys(SUFFIXES).join(', ')}`);
    return { i, name: h.slice(0, at), kind };
  });
  const seen = new Set<string>();
  const items = table.records.map((r) => {
    const id = (r.cells[idCol] as string).trim();
    if (id === '') throw new DataError(table.file, r.line, 'empty item id');
    if (seen.has(id)) throw new DataError(table.file, r.line, `duplicate item id ${JSON.stringify(id)}`);
    seen.add(id);
    const features: Record<string, ItemFeatures[string]> = {};
    const display: Record<string, string> = {};
    for (const c of cols) {
      if (c.i === idCol) continue;
      const raw = (r.cells[c.i] as string).trim();
      if (c.kind === null) display[c.name] = raw;
      else features[c.name] = parseFeature(raw, c.kind, () => new DataError(table.file, r.line, `column "${c.name}": ${JSON.stringify(raw)} is not a number`));
    }
    return { id, features, display };
  });
  if (items.length === 0) throw new DataError(table.file, 0, 'no items (only a header)');
  return { items, columns: cols.filter((c) => c.kind !== null).map((c) => ({ name: c.name, kind: c.kind as FeatureKind })) };
}

function parseFeature(raw: string, kind: FeatureKind, notNumber: () => Error): ItemFeatures[string] {
  if (raw === '') return null;
  if (kind === 'multi') return raw.split('|').map((s) => s.trim()).filter((s) => s !== '');
  if (kind === 'categorical') return raw;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw notNumber();
  return n;
}

function parseTimestamp(raw: string, fallback: number): number | null {
  if (raw === '') return fallback;
  const n = Number(raw);
  // Unix seconds (≤ year 5138) are scaled to milliseconds so every source uses one clock.
  if (Number.isFinite(n)) return n < 1e11 ? n * 1000 : n;
  const parsed = Date.parse(raw);
  return Number.isNaN(parsed) ? null : parsed;
}

const INTERACTION_COLUMNS = ['user', 'item', 'type', 'timestamp'];

function parseInteractions(table: CsvTable, rowOf: Map<string, number>): DatasetInteraction[] {
  const col = requireColumns(table, INTERACTION_COLUMNS);
  const valueCol = table.header.indexOf('value');
  const out = table.records.map((r): DatasetInteraction => {
    const cell = (name: string): string => (r.cells[col[name] as number] as string).trim();
    const fail = (problem: string): never => {
      throw new DataError(table.file, r.line, problem);
    };
    const user = cell('user');
    if (user === '') fail('empty user id');
    const itemIndex = rowOf.get(cell('item')) ?? fail(`unknown item id ${JSON.stringify(cell('item'))} (not in the items file)`);
    const type = cell('type') as EventType;
    if (!EVENT_TYPES.includes(type)) fail(`unknown type ${JSON.stringify(type)}; valid: ${EVENT_TYPES.join(', ')}`);
    const ts = parseTimestamp(cell('timestamp'), r.line) ?? fail(`timestamp ${JSON.stringify(cell('timestamp'))} is neither a number nor a date`);
    if (type !== 'rating') return { user, itemIndex, type, ts };
    const raw = valueCol >= 0 ? (r.cells[valueCol] as string).trim() : '';
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) fail(`rating value ${JSON.stringify(raw)} is not a number (a rating needs a numeric value column)`);
    return { user, itemIndex, type, value, ts };
  });
  if (out.length === 0) throw new DataError(table.file, 0, 'no interactions, so no users to learn from (only a header)');
  return out;
}

function parseUsers(table: CsvTable): DatasetUser[] {
  const idCol = requireColumns(table, ['id']).id as number;
  const seen = new Set<string>();
  const users = table.records.map((r) => {
    const id = (r.cells[idCol] as string).trim();
    if (id === '') throw new DataError(table.file, r.line, 'empty user id');
    if (seen.has(id)) throw new DataError(table.file, r.line, `duplicate user id ${JSON.stringify(id)}`);
    seen.add(id);
    const attributes: Record<string, string> = {};
    table.header.forEach((h, i) => {
      if (i !== idCol) attributes[h] = (r.cells[i] as string).trim();
    });
    return { id, attributes };
  });
  // A users file that is present but lists nobody is almost surely a broken export, not an intent.
  if (users.length === 0) throw new DataError(table.file, 0, 'no users (only a header); remove the file or list the users');
  return users;
}

/**
 * Loads a dataset in attune's generic CSV format (docs/data-format.md).
 * Throws a DataError naming the file, line and problem on malformed input.
 *
 * @example
 * const data = loadCsvDataset('data/my-shop');
 * console.log(summarizeDataset(data));
 */
export function loadCsvDataset(files: CsvFiles | string, options: LoadCsvOptions = {}): Dataset {
  const paths = typeof files === 'string' ? csvFilesIn(files) : files;
  const { items, columns } = parseItems(readTable(paths.items, ['id']));
  const rowOf = new Map(items.map((it, i) => [it.id, i]));
  const interactions = parseInteractions(readTable(paths.interactions, INTERACTION_COLUMNS), rowOf);
  const users = paths.users ? parseUsers(readTable(paths.users, ['id'])) : undefined;
  const feedback = options.feedback ?? (interactions.some((e) => e.type === 'rating') ? 'rating' : 'implicit');
  if (feedback === 'rating' && !interactions.some((e) => e.type === 'rating')) {
    throw new DataError(paths.interactions, 0, 'feedback "rating" was requested but the file holds no rating rows');
  }
  const features = deriveFeatures(columns, items.map((it) => it.features));
  return { name: options.name ?? 'csv', feedback, items, features, interactions, ...(users ? { users } : {}) };
}
