import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, requireColumns } from '../data/csv.js';
import { DataError } from '../data/errors.js';
import { dataRoot } from '../paths.js';

/** Labelled questions: `labels[i]` is the intent of `texts[i]`. Labels are lower-case. */
export interface IntentSplit {
  /** The questions. */
  readonly texts: readonly string[];
  /** Their intents, aligned with `texts`. */
  readonly labels: readonly string[];
}

/** A labelled corpus by split name; `oos` splits hold out-of-scope questions (label `oos`). */
export type IntentCorpus = Readonly<Record<string, IntentSplit>>;

/** The label of out-of-scope questions. */
export const OOS_LABEL = 'oos';

export const intentDataDir = (name: 'banking77' | 'banking77-fewshot' | 'clinc150' | 'clinc150-fewshot'): string => join(dataRoot(), name);

/**
 * True when every intent data set the evaluation needs is present.
 *
 * @example
 * if (!hasIntentData()) console.log(intentDataHint());
 */
export function hasIntentData(): boolean {
  return [join(intentDataDir('banking77'), 'train.csv'), join(intentDataDir('clinc150'), 'data_full.json'), join(intentDataDir('banking77-fewshot'), 'train_5/seq.in')].every(existsSync);
}

/**
 * A message saying where the data is expected and how to get it (tests print it when they skip).
 *
 * @example
 * console.log(intentDataHint());
 */
export function intentDataHint(): string {
  return `intent data not found under ${dataRoot()}: put banking77/ (train.csv, test.csv from https://github.com/PolyAI-LDN/task-specific-datasets), banking77-fewshot/, clinc150/ (data_full.json from https://github.com/clinc/oos-eval) there or set ATTUNE_DATA`;
}

function readText(file: string): string {
  if (!existsSync(file)) throw new DataError(file, 0, `missing; ${intentDataHint()}`);
  return readFileSync(file, 'utf8');
}

/**
 * BANKING77 from its CSVs (`text,category`): splits `train` and `test`.
 *
 * @example
 * const { train, test } = loadBanking77();
 */
export function loadBanking77(dir = intentDataDir('banking77')): IntentCorpus {
  const split = (name: string): IntentSplit => {
    const file = join(dir, `${name}.csv`);
    const table = parseCsv(readText(file), file);
    const col = requireColumns(table, ['text', 'category']);
    const texts: string[] = [];
    const labels: string[] = [];
    for (const r of table.records) {
      const text = r.cells[col.text as number] as string;
      const label = (r.cells[col.category as number] as string).trim().toLowerCase();
      if (!label) throw new DataError(file, r.line, 'empty category');
      texts.push(text);
      labels.push(label);
    }
    return { texts, labels };
  };
  return { train: split('train'), test: split('test') };
}

/**
 * One split of a few-shot folder (`seq.in` / `label` line files).
 *
 * @example
 * const split = loadLineSplit('data/banking77-fewshot/train_5');
 */
export function loadLineSplit(dir: string): IntentSplit {
  const texts = readText(join(dir, 'seq.in')).split('\n');
  const labels = readText(join(dir, 'label')).split('\n');
  while (texts.length && texts[texts.length - 1] === '') texts.pop();
  while (labels.length && labels[labels.length - 1] === '') labels.pop();
  if (texts.length !== labels.length) throw new DataError(join(dir, 'label'), 0, `${labels.length} labels for ${texts.length} questions in seq.in`);
  return { texts, labels: labels.map((l, i) => {
    const label = l.trim().toLowerCase();
    if (!label) throw new DataError(join(dir, 'label'), i + 1, 'empty label');
    return label;
  }) };
}

/**
 * The fixed few-shot draws of BANKING77 (`train_5`, `train_10`, `valid`, `test`).
 *
 * @example
 * const support = loadBanking77Fewshot('train_5');
 */
export function loadBanking77Fewshot(split: 'train_5' | 'train_10' | 'valid' | 'test' | 'train', dir = intentDataDir('banking77-fewshot')): IntentSplit {
  return loadLineSplit(join(dir, split));
}

/**
 * CLINC150 (full): `train`, `val`, `test` (150 intents) and `oos_train`, `oos_val`, `oos_test` (label `oos`).
 *
 * @example
 * const clinc = loadClinc150();
 * console.log(clinc.train!.texts.length, clinc.oos_test!.texts.length);
 */
export function loadClinc150(dir = intentDataDir('clinc150')): IntentCorpus {
  const file = join(dir, 'data_full.json');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readText(file)) as Record<string, unknown>;
  } catch (cause) {
    if (cause instanceof DataError) throw cause;
    throw new DataError(file, 0, `not valid JSON: ${String(cause)}`);
  }
  const out: Record<string, IntentSplit> = {};
  for (const name of ['train', 'val', 'test', 'oos_train', 'oos_val', 'oos_test']) {
    const rows = json[name];
    if (!Array.isArray(rows)) throw new DataError(file, 0, `has no "${name}" array`);
    const texts: string[] = [];
    const labels: string[] = [];
    rows.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'string') throw new DataError(file, 0, `${name}[${i}] is not [text, intent]`);
      texts.push(row[0]);
      labels.push(row[1].toLowerCase());
    });
    out[name] = { texts, labels };
  }
  return out;
}

/** Indices of `split` grouped by label, labels in first-seen order. */
export function byLabel(split: IntentSplit): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  split.labels.forEach((l, i) => {
    const g = groups.get(l);
    if (g) g.push(i);
    else groups.set(l, [i]);
  });
  return groups;
}

/** The rows of `split` whose label is in `keep`. */
export function filterLabels(split: IntentSplit, keep: ReadonlySet<string>): IntentSplit {
  const idx = split.labels.flatMap((l, i) => (keep.has(l) ? [i] : []));
  return { texts: idx.map((i) => split.texts[i] as string), labels: idx.map((i) => split.labels[i] as string) };
}
