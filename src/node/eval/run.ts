import type { Interaction } from '../../models/feedback.js';
import { InvalidInputError } from '../../errors.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainOptions } from '../train/options.js';
import { pairedDifference, summarizeMetrics, type BootstrapOptions } from './bootstrap.js';
import { BASELINES, RATING_BASELINES, type BaselineName } from './baselines/index.js';
import { globalFamily, metaScorer, META_METHODS, type GlobalFamily } from './methods.js';
import { ratingMetrics, rankingMetrics } from './metrics.js';
import { DEFAULT_KS, itemColdStart, meluProtocol, splitUserGroups, userColdStart } from './protocols.js';
import { bestOf } from './report.js';
import { METRIC_NAMES, type EvalSplit, type EvalUser, type MethodResult, type MetricName, type PairedDifference, type Scorer, type UserMetrics } from './types.js';

/** The evaluation protocols: user cold-start, MeLU's protocol (ratings only), item cold-start. */
export const PROTOCOLS = ['user', 'melu', 'item'] as const;
/** One of PROTOCOLS. */
export type ProtocolName = (typeof PROTOCOLS)[number];

/** Methods built on the global (non-meta) model, evaluated through the engine like the meta-learners. */
export const GLOBAL_METHODS: readonly string[] = ['global', 'finetune', 'scratch'];

/**
 * Progress of `evaluate`, one report per finished step.
 *
 * @example
 * await evaluate(data, { onProgress: (p) => console.log(`${p.phase} ${p.done}/${p.total} (${p.seconds.toFixed(0)} s)`) });
 */
export interface EvalProgress {
  /** What just finished, e.g. a method on a protocol. */
  readonly phase: string;
  /** Steps done. */
  readonly done: number;
  /** Steps in total. */
  readonly total: number;
  /** Seconds since the run started. */
  readonly seconds: number;
}

/**
 * Options of `evaluate` (and `attune eval`); every field has a default.
 *
 * @example
 * const report = await evaluate(data, { protocols: ['user'], ks: [1, 5], methods: ['popularity', 'fomaml'], maxTestUsers: 50 });
 */
export interface EvalOptions {
  /**
   * Default: all three for ratings; `user` and `item` for implicit data.
   *
   * @example
   * await evaluate(data, { protocols: ['user', 'item'] });
   */
  readonly protocols?: readonly ProtocolName[];
  /**
   * Support sizes for user cold-start; default 1, 3, 5, 10, 20.
   *
   * @example
   * await evaluate(data, { ks: [1, 5, 10] });
   */
  readonly ks?: readonly number[];
  /**
   * Method names (see `availableMethods`); default all that apply to the data.
   *
   * @example
   * await evaluate(data, { methods: ['popularity', 'fomaml', 'reptile'] });
   */
  readonly methods?: readonly string[];
  /**
   * Seeds the user split, training and the bootstrap (default 1).
   *
   * @example
   * await evaluate(data, { seed: 7 });
   */
  readonly seed?: number;
  /**
   * Training settings shared by every engine-evaluated method (algorithm is set per method).
   *
   * @example
   * await evaluate(data, { train: { iterations: 200 } });
   */
  readonly train?: TrainOptions;
  /**
   * Inner learning rates tried for fine-tuning and from-scratch heads (chosen on validation users).
   *
   * @example
   * await evaluate(data, { rates: [0.05, 0.1, 0.5] });
   */
  readonly rates?: readonly number[];
  /**
   * Judge at most this many test users per protocol (a CI-sized run); default all.
   *
   * @example
   * await evaluate(data, { maxTestUsers: 100 });
   */
  readonly maxTestUsers?: number;
  /**
   * Item cold-start: fraction of items (latest first seen) that are new; default 0.2.
   *
   * @example
   * await evaluate(data, { newItemFraction: 0.1 });
   */
  readonly newItemFraction?: number;
  /**
   * Bootstrap resamples for the 95% intervals; default 2000.
   *
   * @example
   * await evaluate(data, { bootstrapSamples: 500 });
   */
  readonly bootstrapSamples?: number;
  /**
   * Called after each step of the run.
   *
   * @example
   * await evaluate(data, { onProgress: (p) => process.stderr.write(`\r${p.done}/${p.total}`) });
   */
  readonly onProgress?: (p: EvalProgress) => void;
}

/**
 * What `evaluate` returns: the splits and every method's metrics with 95% intervals.
 *
 * @example
 * const report = await evaluate(loadMovielens(), { protocols: ['melu'] });
 * writeReport('results/ml-100k', report.results, { command: 'eval', dataset: report.dataset, seconds: report.seconds });
 */
export interface EvalReport {
  /** The dataset's name. */
  readonly dataset: string;
  /** Its feedback kind. */
  readonly feedback: Dataset['feedback'];
  /** The seed of the run. */
  readonly seed: number;
  /** How many users were in each group. */
  readonly users: {
    /** Meta-train users. */
    readonly train: number;
    /** Validation users. */
    readonly validation: number;
    /** Test users. */
    readonly test: number;
  };
  /** Per protocol (and K): test users judged. */
  readonly splits: readonly {
    /** The protocol. */
    readonly protocol: string;
    /** Its support size, when fixed. */
    readonly k?: number;
    /** Validation users judged. */
    readonly validation: number;
    /** Test users judged. */
    readonly test: number;
    /** Item cold-start: how many items are new. */
    readonly newItems?: number;
  }[];
  /** One entry per method, protocol and K. */
  readonly results: readonly MethodResult[];
  /** Wall time of the run. */
  readonly seconds: number;
}

const baselineNames = (feedback: Dataset['feedback']): BaselineName[] =>
  (Object.keys(BASELINES) as BaselineName[]).filter((b) => feedback === 'rating' || !RATING_BASELINES.includes(b));

/**
 * Every method that applies to data with this kind of feedback.
 *
 * @example
 * availableMethods('implicit'); // baselines without the rating-only ones, then global, finetune, scratch and the meta-learners
 */
export function availableMethods(feedback: Dataset['feedback']): string[] {
  const baselines = baselineNames(feedback);
  return [...baselines, ...GLOBAL_METHODS, ...META_METHODS];
}

/**
 * Training settings for rating data unless the caller sets them: the item
 * tower starts from matrix factorization (meta-training from random item
 * embeddings would need far more passes than a benchmark can afford), a
 * gentler outer rate keeps that start, and training tasks cover support
 * sizes from 1, as the protocols do. Measured on ML-100K validation runs
 * (docs/benchmarks.md).
 */
export const RATING_TRAIN_DEFAULTS: TrainOptions = { warmStart: 'mf', outerLr: 0.003, supportRange: [1, 20] };

function resolve(data: Dataset, o: EvalOptions) {
  const methods = o.methods ?? availableMethods(data.feedback);
  const valid = availableMethods(data.feedback);
  const unknown = methods.filter((m) => !valid.includes(m));
  if (unknown.length) throw new InvalidInputError('methods', `unknown method(s) ${unknown.join(', ')} for ${data.feedback} data; valid: ${valid.join(', ')}`);
  const protocols = o.protocols ?? (data.feedback === 'rating' ? PROTOCOLS : (['user', 'item'] as const));
  if (data.feedback !== 'rating' && protocols.includes('melu')) throw new InvalidInputError('protocols', 'the MeLU protocol needs explicit ratings');
  const train = { ...(data.feedback === 'rating' ? RATING_TRAIN_DEFAULTS : {}), ...o.train };
  return { methods, protocols, ks: o.ks ?? DEFAULT_KS, seed: o.seed ?? 1, rates: o.rates ?? [0.01, 0.03, 0.1, 0.3, 1], train };
}

/** A rating ≥ 4 (ratings) or any event but an impression (implicit) is a liked item for full-catalog ranking. */
const positive = (e: Interaction): boolean => (e.type === 'rating' ? (e.value ?? 0) >= 4 : e.type !== 'impression');

/** One user's metrics from a scorer's catalog scores. */
export function userMetrics(scores: Float32Array, user: EvalUser, predictsRatings: boolean): UserMetrics {
  const rated = ratingMetrics(scores, user.query);
  if (!predictsRatings) delete rated.mae, delete rated.rmse;
  return { ...rated, ...rankingMetrics(scores, user.support, user.query, { positive }) };
}

async function judge(scorer: Scorer, users: readonly EvalUser[]): Promise<UserMetrics[]> {
  const out: UserMetrics[] = [];
  for (const u of users) out.push(userMetrics(await scorer.score(u.support), u, scorer.predictsRatings));
  return out;
}

/** Validation objective for choosing a rate: MAE for ratings, else 1 − full-catalog nDCG@10 (lower is better). */
async function validationLoss(scorer: Scorer, users: readonly EvalUser[]): Promise<number> {
  const per = await judge(scorer, users);
  const values = per.map((m) => (scorer.predictsRatings ? m.mae : m.fullNdcg10 === undefined ? undefined : 1 - m.fullNdcg10)).filter((v): v is number => v !== undefined);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.POSITIVE_INFINITY;
}

async function pickRate(byRate: ReadonlyMap<number, Scorer>, split: EvalSplit): Promise<{ scorer: Scorer; chosen: Record<string, number> }> {
  let best: { scorer: Scorer; chosen: Record<string, number>; loss: number } | null = null;
  for (const [lr, scorer] of byRate) {
    const loss = await validationLoss(scorer, split.validation);
    if (!best || loss < best.loss) best = { scorer, chosen: { lr }, loss };
  }
  if (!best) throw new InvalidInputError('rates', 'no inner learning rate to choose from');
  return best;
}

/** Splits that share training data, so each method is trained once per group. */
function byTraining(splits: readonly EvalSplit[]): EvalSplit[][] {
  const groups = new Map<unknown, EvalSplit[]>();
  for (const s of splits) groups.set(s.train, [...(groups.get(s.train) ?? []), s]);
  return [...groups.values()];
}

function buildSplits(data: Dataset, o: ReturnType<typeof resolve>, options: EvalOptions): EvalSplit[] {
  const groups = splitUserGroups(data, o.seed);
  const cap = (s: EvalSplit): EvalSplit => (options.maxTestUsers === undefined ? s : { ...s, test: s.test.slice(0, options.maxTestUsers) });
  const base = userColdStart(data, groups, o.ks[0] ?? 1); // shares its `train` array with the other user splits
  const out: EvalSplit[] = [];
  const queryAfter = Math.max(...o.ks);
  if (o.protocols.includes('user')) for (const k of o.ks) out.push(cap({ ...userColdStart(data, groups, k, queryAfter), train: base.train }));
  if (o.protocols.includes('melu')) out.push(cap({ ...meluProtocol(data, groups, o.seed), train: base.train }));
  if (o.protocols.includes('item')) out.push(cap(itemColdStart(data, groups, { newFraction: options.newItemFraction ?? 0.2, minSupport: 3 })));
  return out;
}

/**
 * Runs the evaluation: builds every protocol's split from one seeded user
 * grouping, trains each engine-evaluated method once per training set (the
 * meta-learners and the global model), fits the simple baselines, and judges
 * every method on every split's test users, with 95% bootstrap intervals.
 *
 * @example
 * const report = await evaluate(loadMovielens(), { protocols: ['user'], ks: [1, 5, 10], seed: 1 });
 * console.log(markdownTable(report.results));
 */
export async function evaluate(data: Dataset, options: EvalOptions = {}): Promise<EvalReport> {
  const started = performance.now();
  const o = resolve(data, options);
  const splits = buildSplits(data, o, options);
  const wantGlobal = GLOBAL_METHODS.some((m) => o.methods.includes(m));
  const metas = META_METHODS.filter((m) => o.methods.includes(m));
  const total = byTraining(splits).length * (metas.length + (wantGlobal ? 1 : 0)) + splits.length;
  let done = 0;
  const tick = (phase: string) => options.onProgress?.({ phase, done: ++done, total, seconds: (performance.now() - started) / 1000 });
  const results: MethodResult[] = [];
  for (const group of byTraining(splits)) {
    const first = group[0] as EvalSplit;
    const trained: Scorer[] = [];
    let family: GlobalFamily | null = null;
    try {
      if (wantGlobal) (family = await globalFamily(first, o.train, o.rates)), tick(`${first.protocol}: global model trained`);
      for (const algo of metas) trained.push(await metaScorer(first, algo, o.train)), tick(`${first.protocol}: ${algo} trained`);
      for (const split of group) {
        results.push(...(await judgeSplit(split, o.methods, trained, family, options.bootstrapSamples)));
        tick(`${split.protocol}${split.k === undefined ? '' : ` K=${split.k}`} judged`);
      }
    } finally {
      trained.forEach((s) => s.dispose());
      if (family) [family.global, ...family.finetune.values(), ...family.scratch.values()].forEach((s) => s.dispose());
    }
  }
  const groups = splitUserGroups(data, o.seed);
  return {
    dataset: data.name,
    feedback: data.feedback,
    seed: o.seed,
    users: { train: groups.train.length, validation: groups.validation.length, test: groups.test.length },
    splits: splits.map((s) => ({ protocol: s.protocol, ...(s.k === undefined ? {} : { k: s.k }), validation: s.validation.length, test: s.test.length, ...(s.newItems ? { newItems: s.newItems.size } : {}) })),
    results,
    seconds: (performance.now() - started) / 1000,
  };
}

async function judgeSplit(split: EvalSplit, methods: readonly string[], trained: readonly Scorer[], family: GlobalFamily | null, samples: number | undefined): Promise<MethodResult[]> {
  const entries: { scorer: Scorer; chosen?: Record<string, number | string> }[] = [];
  for (const name of baselineNames(split.data.feedback)) {
    if (!methods.includes(name)) continue;
    const scorer = await BASELINES[name](split);
    entries.push({ scorer, chosen: scorer.chosen });
  }
  if (family && methods.includes('global')) entries.push({ scorer: family.global });
  if (family && methods.includes('finetune')) entries.push(await pickRate(family.finetune, split));
  if (family && methods.includes('scratch')) entries.push(await pickRate(family.scratch, split));
  entries.push(...trained.map((scorer) => ({ scorer })));
  const bootstrap = { ...(samples ? { samples } : {}), seed: 1 };
  const judged: { result: MethodResult; perUser: UserMetrics[] }[] = [];
  for (const { scorer, chosen } of entries) {
    const perUser = await judge(scorer, split.test);
    const metrics = summarizeMetrics(perUser, bootstrap);
    judged.push({ result: { method: scorer.name, family: scorer.family, protocol: split.protocol, ...(split.k === undefined ? {} : { k: split.k }), metrics, ...(chosen ? { chosen } : {}) }, perUser });
  }
  return judged.map(({ result, perUser }) => (result.family === 'meta' ? { ...result, paired: pairedWithBestBaseline(perUser, judged, bootstrap) } : result));
}

/** A meta-learned method's per-user difference from the best baseline (by mean) on every metric both have. */
function pairedWithBestBaseline(perUser: readonly UserMetrics[], judged: readonly { result: MethodResult; perUser: UserMetrics[] }[], bootstrap: BootstrapOptions): Partial<Record<MetricName, PairedDifference>> {
  const out: Partial<Record<MetricName, PairedDifference>> = {};
  for (const metric of METRIC_NAMES) {
    const best = bestOf(judged.map((j) => j.result), metric, 'baseline');
    const baseline = judged.find((j) => j.result === best);
    if (!baseline || !perUser.some((m) => m[metric] !== undefined)) continue;
    out[metric] = { ...pairedDifference(perUser, baseline.perUser, metric, bootstrap), baseline: baseline.result.method };
  }
  return out;
}
