import { join } from 'node:path';
import { loadTaobao } from '../../node/data/taobao.js';
import { compactDataset } from '../../node/data/compact.js';
import type { Dataset } from '../../node/data/dataset.js';
import { writeReport } from '../../node/eval/report.js';
import { evaluate, PROTOCOLS, type EvalProgress, type ProtocolName } from '../../node/eval/run.js';
import type { TrainOptions } from '../../node/train/options.js';
import type { Feedback } from '../../models/recommender.js';
import { intentEvalCommand } from './eval-intents.js';
import { parseFlags, UsageError, type FlagSpec } from '../args.js';
import { checkOutDir } from './common.js';
import { loadData, trainOptionsFromFlags } from './train.js';

export const EVAL_FLAGS: Record<string, FlagSpec> = {
  task: { type: 'string', choices: ['recommend', 'intents'], help: 'what to evaluate (default recommend; intents: see docs/intents.md)' },
  data: { type: 'string', help: 'data folder (movielens default: $ATTUNE_DATA/ml-100k; taobao: $ATTUNE_DATA/taobao-userbehavior-sample)' },
  format: { type: 'string', choices: ['movielens', 'csv', 'taobao'], help: 'input format (required)' },
  feedback: { type: 'string', choices: ['rating', 'implicit'], help: 'csv: read the data as ratings or implicit events' },
  protocols: { type: 'string', help: `comma list of ${PROTOCOLS.join(', ')} (default: all that apply)` },
  ks: { type: 'string', help: 'user cold-start support sizes (default 1,3,5,10,20)' },
  methods: { type: 'string', help: 'comma list of methods (default: all that apply; see docs/evaluation.md)' },
  iterations: { type: 'number', integer: true, min: 1, help: 'outer steps of every trained model (default 300)' },
  'meta-batch': { type: 'number', integer: true, min: 1, help: 'users per outer step (default 8)' },
  'inner-steps': { type: 'number', integer: true, min: 0, help: 'inner steps of every adapting method (default 5)' },
  'inner-lr': { type: 'number', min: 0, help: 'inner learning rate of the meta-learners (default 0.1 ratings, 0.5 implicit)' },
  'outer-lr': { type: 'number', min: 0, help: 'Adam learning rate of the outer loop (default 0.01)' },
  'prior-count': { type: 'number', min: 0, help: 'inner-loop prior pseudo-count of every adapting method (default 0)' },
  hidden: { type: 'string', help: 'head hidden layer sizes, comma-separated; "" for a linear head (default 32)' },
  dim: { type: 'number', integer: true, min: 1, help: 'item embedding size (default 24)' },
  'warm-start': { type: 'string', choices: ['mf', 'none'], help: 'start the item tower from matrix factorization (default mf for ratings)' },
  'max-ids': { type: 'number', integer: true, min: 1, help: 'id embeddings for the N most interacted items only, the rest from features (default: all; taobao 4096)' },
  'max-vocab': { type: 'number', integer: true, min: 1, help: 'keep the N most frequent values of each categorical feature (default: all; taobao 256)' },
  'max-test-users': { type: 'number', integer: true, min: 1, help: 'judge at most N test users per protocol (CI-sized runs)' },
  'new-items': { type: 'number', min: 0.01, max: 0.9, help: 'item cold-start: fraction of items, latest first seen, that are new (default 0.2)' },
  bootstrap: { type: 'number', integer: true, min: 100, help: 'bootstrap resamples for the 95% intervals (default 2000, at least 100)' },
  seed: { type: 'number', integer: true, help: 'random seed of the user split and training (default 1)' },
  out: { type: 'string', help: 'output folder for results.json, results.md and the SVG charts (default eval-out/<dataset>)' },
};

const list = (raw: unknown): string[] | undefined => (typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

function numbers(raw: unknown, flag: string): number[] | undefined {
  const items = list(raw);
  if (!items) return undefined;
  const out = items.map(Number);
  if (out.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${flag} needs whole numbers ≥ 1 separated by commas, got "${String(raw)}"`);
  return out;
}

function protocols(raw: unknown): ProtocolName[] | undefined {
  const items = list(raw);
  const bad = items?.filter((p) => !(PROTOCOLS as readonly string[]).includes(p));
  if (bad?.length) throw new UsageError(`--protocols: unknown ${bad.join(', ')}; valid: ${PROTOCOLS.join(', ')}`);
  return items as ProtocolName[] | undefined;
}

/** Shop logs have a long tail of items seen once: taobao defaults to a compact model (see compactDataset). */
const COMPACT_DEFAULTS: Readonly<Record<string, { maxIds: number; maxVocab: number }>> = { taobao: { maxIds: 4096, maxVocab: 256 } };

/** Loads the data; with `maxIds`/`maxVocab` (given, or the format's defaults) items are reordered and vocabularies trimmed. */
function load(format: string, dir: string | undefined, feedback: Feedback | undefined, maxIds: number | undefined, maxVocab: number | undefined): Dataset {
  const data = format === 'taobao' ? loadTaobao(dir) : loadData('eval', format, dir, feedback);
  if (maxIds === undefined && maxVocab === undefined) return data;
  return compactDataset(data, maxVocab === undefined ? {} : { maxVocab });
}

/** One progress line, rewritten in place on a terminal. */
function progressLine(p: EvalProgress): void {
  const eta = p.done > 0 ? (p.seconds / p.done) * (p.total - p.done) : Number.NaN;
  const line = `[${p.done}/${p.total}] ${p.phase} · ${p.seconds.toFixed(0)} s elapsed${Number.isFinite(eta) ? `, ~${eta.toFixed(0)} s left` : ''}`;
  process.stderr.write(process.stderr.isTTY ? `\r${line.padEnd(100)}` : `${line}\n`);
}

/** `attune eval`: cold-start evaluation of attune's meta-learners against the baselines. */
export async function evalCommand(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--task');
  const task = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--task='))?.slice('--task='.length);
  // The intent task has its own flags (eval-intents.ts): hand it everything but --task.
  if (task === 'intents') return intentEvalCommand(argv.filter((a, i) => a !== '--task=intents' && !(at >= 0 && (i === at || i === at + 1))));
  const f = parseFlags('eval', argv, EVAL_FLAGS);
  if (typeof f.format !== 'string') throw new UsageError('attune eval: --format movielens|csv|taobao is required');
  const defaults = COMPACT_DEFAULTS[f.format];
  const maxIds = (f['max-ids'] as number | undefined) ?? defaults?.maxIds;
  const data = load(f.format, f.data as string | undefined, f.feedback as Feedback | undefined, maxIds, (f['max-vocab'] as number | undefined) ?? defaults?.maxVocab);
  const warmStart = f['warm-start'] as 'mf' | 'none' | undefined;
  const train: TrainOptions = { ...trainOptionsFromFlags(f), ...(warmStart ? { warmStart } : {}), ...(maxIds === undefined ? {} : { maxIds }) };
  const out = typeof f.out === 'string' ? f.out : join('eval-out', data.name.replace(/[^\w.-]+/g, '-'));
  checkOutDir(out);
  const report = await evaluate(data, {
    train,
    seed: f.seed as number | undefined,
    ...(protocols(f.protocols) ? { protocols: protocols(f.protocols) } : {}),
    ...(numbers(f.ks, 'ks') ? { ks: numbers(f.ks, 'ks') } : {}),
    ...(list(f.methods) ? { methods: list(f.methods) } : {}),
    ...(f['max-test-users'] === undefined ? {} : { maxTestUsers: f['max-test-users'] as number }),
    ...(f['new-items'] === undefined ? {} : { newItemFraction: f['new-items'] as number }),
    ...(f.bootstrap === undefined ? {} : { bootstrapSamples: f.bootstrap as number }),
    onProgress: progressLine,
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const command = `attune eval ${argv.join(' ')}`.trim();
  writeReport(out, report.results, { command, dataset: report.dataset, seconds: report.seconds, report });
  process.stdout.write(`${report.results.length} results for ${report.dataset} in ${report.seconds.toFixed(0)} s → ${out}/results.{json,md} and charts\n`);
}
