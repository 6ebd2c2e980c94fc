import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventType } from '../../models/feedback.js';
import { dataRoot } from '../paths.js';
import type { Dataset, DatasetInteraction, DatasetItem } from './dataset.js';
import { DataError } from './errors.js';
import { deriveFeatures } from './features.js';

/**
 * Taobao behaviors as attune events. Taobao's funnel is pv < fav < cart < buy
 * in strength of intent; attune's implicit types, weakest to strongest, are
 * view < click < add_to_cart < purchase (EVENT_WEIGHTS 1 / 1.5 / 3 / 4).
 * Mapping in order keeps the funnel's ranking of signals and gives each
 * behavior its own type. `fav` (saved to favourites) becomes `click`: it says
 * more than opening the item's page, but less than putting it in the cart,
 * and attune has no "favourite" event.
 */
export const TAOBAO_BEHAVIORS: Readonly<Record<string, EventType>> = { pv: 'view', fav: 'click', cart: 'add_to_cart', buy: 'purchase' };

const FILE = 'UserBehavior.csv';

/**
 * Where the Taobao sample is expected: `<data root>/taobao-userbehavior-sample`.
 *
 * @example
 * console.log(taobaoDir()); // '<data root>/taobao-userbehavior-sample'
 */
export function taobaoDir(): string {
  return join(dataRoot(), 'taobao-userbehavior-sample');
}

/**
 * True when `dir` holds UserBehavior.csv.
 *
 * @example
 * if (!hasTaobao()) console.log('download UserBehavior.csv from https://tianchi.aliyun.com/dataset/649');
 */
export function hasTaobao(dir = taobaoDir()): boolean {
  return existsSync(join(dir, FILE));
}

export interface TaobaoOptions {
  /**
   * The file is a byte-prefix of a larger log: drop its last line and every
   * line of that line's user, whose history the cut left incomplete. Default:
   * true when the file does not end with a line break (the cut is visible).
   */
  readonly truncated?: boolean;
}

interface Row {
  readonly user: string;
  readonly item: string;
  readonly category: string;
  readonly type: EventType;
  readonly ts: number;
}

function parseLine(line: string, file: string, n: number): Row {
  const f = line.split(',');
  const fail = (problem: string): never => {
    throw new DataError(file, n, problem);
  };
  if (f.length !== 5) fail(`expected 5 fields (user,item,category,behavior,timestamp), found ${f.length}`);
  const [user, item, category, behavior, seconds] = f.map((s) => s.trim()) as [string, string, string, string, string];
  if (user === '') fail('empty user id');
  if (item === '') fail('empty item id');
  const type = TAOBAO_BEHAVIORS[behavior] ?? fail(`unknown behavior ${JSON.stringify(behavior)}; valid: ${Object.keys(TAOBAO_BEHAVIORS).join(', ')}`);
  const ts = Number(seconds);
  if (seconds === '' || !Number.isFinite(ts)) fail(`timestamp ${JSON.stringify(seconds)} is not a number of seconds`);
  return { user, item, category, type, ts: ts * 1000 };
}

/**
 * Lines to read, without blank ones and, for a truncated file, without the
 * cut line and every line of its user (whose history the cut ended early).
 * When even the cut line's user id may be incomplete (no comma after it), the
 * user before it is dropped too, since the id could be theirs.
 */
function usableLines(text: string, truncated: boolean): { line: string; n: number }[] {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, n: i + 1 })).filter((l) => l.line.trim() !== '');
  if (!truncated) return lines;
  const cut = lines.pop()?.line ?? '';
  const userOf = (line: string): string => line.slice(0, line.indexOf(','));
  const cutUser = cut.includes(',') ? userOf(cut) : userOf(lines.at(-1)?.line ?? '');
  while (lines.length > 0 && userOf((lines.at(-1) as { line: string }).line) === cutUser) lines.pop();
  return lines;
}

/**
 * Loads Taobao's UserBehavior log (Alibaba Tianchi dataset 649; Zhu et al.,
 * KDD 2018): no header; `user,item,category,behavior,timestamp` with unix
 * seconds. Items are listed in order of first appearance with one
 * categorical feature, `category` (an item's first category wins if a later
 * line disagrees); timestamps become milliseconds; behaviors map through
 * TAOBAO_BEHAVIORS. Throws a DataError naming file, line and problem.
 *
 * @example
 * const data = compactDataset(loadTaobao(), { maxVocab: 500 });
 */
export function loadTaobao(dir = taobaoDir(), options: TaobaoOptions = {}): Dataset {
  const file = join(dir, FILE);
  if (!existsSync(file)) throw new DataError(file, 0, 'file not found (Taobao UserBehavior: https://tianchi.aliyun.com/dataset/649)');
  const text = readFileSync(file, 'utf8');
  const truncated = options.truncated ?? (text.length > 0 && !text.endsWith('\n'));
  const rowOf = new Map<string, number>();
  const items: DatasetItem[] = [];
  const interactions: DatasetInteraction[] = [];
  for (const { line, n } of usableLines(text, truncated)) {
    const r = parseLine(line, file, n);
    let row = rowOf.get(r.item);
    if (row === undefined) {
      rowOf.set(r.item, (row = items.length));
      items.push({ id: r.item, features: { category: r.category === '' ? null : r.category }, display: {} });
    }
    interactions.push({ user: r.user, itemIndex: row, type: r.type, ts: r.ts });
  }
  if (interactions.length === 0) throw new DataError(file, 0, 'no events');
  const features = deriveFeatures([{ name: 'category', kind: 'categorical' }], items.map((it) => it.features));
  return { name: 'taobao-userbehavior-sample', feedback: 'implicit', items, features, interactions };
}
