import { loadCsvDataset } from '../../node/data/generic.js';
import { loadMovielens, movielensDir } from '../../node/data/movielens.js';
import type { Dataset } from '../../node/data/dataset.js';
import { TRAIN_ALGORITHMS } from '../../node/train/algorithms.js';
import type { TrainOptions } from '../../node/train/options.js';
import type { Feedback } from '../../models/recommender.js';
import { parseFlags, UsageError, type Flags, type FlagSpec } from '../args.js';
import { checkOutDir, trainAndWrite, writeCatalogJson } from './common.js';

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', help: 'data folder (movielens default: $ATTUNE_DATA/ml-100k)' },
  format: { type: 'string', choices: ['movielens', 'csv'], help: 'input format (required)' },
  feedback: { type: 'string', choices: ['rating', 'implicit'], help: 'loss: ratings (MSE) or implicit events (BCE)' },
  algo: { type: 'string', choices: TRAIN_ALGORITHMS, help: 'meta-learning algorithm (default fomaml for ratings, reptile for implicit)' },
  iterations: { type: 'number', integer: true, min: 1, help: 'outer steps (default 300)' },
  'meta-batch': { type: 'number', integer: true, min: 1, help: 'users per outer step (default 8)' },
  'inner-steps': { type: 'number', integer: true, min: 0, help: 'inner SGD steps, shipped in the bundle (default 5)' },
  'inner-lr': { type: 'number', min: 0, help: 'inner learning rate (default 0.1 ratings, 0.5 implicit); metasgd: the learned rates start here' },
  'outer-lr': { type: 'number', min: 0, help: 'Adam learning rate (default 0.01)' },
  'prior-count': { type: 'number', min: 0, help: 'inner-loop prior pseudo-count: support loss × n/(n+c), shipped in the bundle (default 0)' },
  hidden: { type: 'string', help: 'head hidden layer sizes, comma-separated; "" for a linear head (default 32)' },
  holdout: { type: 'number', min: 0, max: 0.9, help: 'fraction of users held out (default 0.2)' },
  'max-users': { type: 'number', integer: true, min: 2, help: 'use at most N users' },
  'eval-users': { type: 'number', integer: true, min: 0, help: 'evaluate at most N held-out users (default 400)' },
  dim: { type: 'number', integer: true, min: 1, help: 'item embedding size (default 24)' },
  seed: { type: 'number', integer: true, help: 'random seed (default 1)' },
  out: { type: 'string', help: 'bundle output folder (required)' },
  'catalog-json': { type: 'string', help: 'also write a display catalog JSON here' },
  'split-out': { type: 'string', help: 'also write the train/held-out user ids to this JSON file (kept out of the bundle: user ids are private)' },
};

/** Maps CLI flags to trainer options (absent flags keep the trainer's defaults). */
export function trainOptionsFromFlags(f: Flags): TrainOptions {
  const pick: [keyof TrainOptions, string][] = [
    ['algorithm', 'algo'], ['iterations', 'iterations'], ['metaBatch', 'meta-batch'], ['innerSteps', 'inner-steps'], ['innerLr', 'inner-lr'],
    ['outerLr', 'outer-lr'], ['priorCount', 'prior-count'], ['holdout', 'holdout'], ['maxUsers', 'max-users'], ['evalUsers', 'eval-users'], ['dim', 'dim'], ['seed', 'seed'], ['feedback', 'feedback'],
  ];
  const picked = Object.fromEntries(pick.filter(([, flag]) => f[flag] !== undefined).map(([key, flag]) => [key, f[flag]])) as TrainOptions;
  return f.hidden === undefined ? picked : { ...picked, hidden: layerSizes(String(f.hidden)) };
}

/** `--hidden 64,32` → [64, 32]; `--hidden ""` → [] (a linear head). */
function layerSizes(raw: string): number[] {
  const sizes = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--hidden needs positive whole numbers separated by commas, got "${raw}"`);
  return sizes;
}

/** Loads `--format movielens|csv`; `command` names the CLI command in usage errors. */
export function loadData(command: string, format: string, dir: string | undefined, feedback?: Feedback): Dataset {
  if (format === 'movielens') return loadMovielens(dir ?? movielensDir());
  if (!dir) throw new UsageError(`attune ${command} --format csv needs --data DIR (with items.csv and interactions.csv)`);
  return loadCsvDataset(dir, feedback ? { feedback } : {});
}

/** `attune train`: load, meta-train, write a bundle. */
export async function trainCommand(argv: readonly string[]): Promise<void> {
  const f = parseFlags('train', argv, TRAIN_FLAGS);
  if (typeof f.format !== 'string') throw new UsageError('attune train: --format movielens|csv is required');
  if (typeof f.out !== 'string') throw new UsageError('attune train: --out BUNDLE_DIR is required');
  checkOutDir(f.out);
  const data = loadData('train', f.format, f.data as string | undefined, f.feedback as Feedback | undefined);
  await trainAndWrite(data, trainOptionsFromFlags(f), f.out, {}, f['split-out'] as string | undefined);
  if (typeof f['catalog-json'] === 'string') writeCatalogJson(f['catalog-json'], data);
}
