import * as tf from '@tensorflow/tfjs';
import { bceWithLogits, mse } from '../../core/losses.js';
import type { Model } from '../../core/model.js';
import { adam } from '../../core/optim.js';
import { groupMask, type ParamSpec } from '../../core/params.js';
import { createRng, shuffle, type Rng } from '../../core/random.js';
import type { InnerLoopSettings } from '../../bundle/format.js';
import { firstNonFinite } from '../../core/finite.js';
import { InvalidInputError } from '../../errors.js';
import type { Interaction } from '../../models/feedback.js';
import { createRecommender, type ItemInput, type RecommenderConfig } from '../../models/recommender.js';
import { groupByUser, summarizeDataset, type Dataset } from '../data/dataset.js';
import { selectAlgorithm, trainAlgorithm } from './algorithms.js';
import { trainingModel } from './training-model.js';
import { mfWarmStart } from './warm-start.js';
import { TrainingDivergedError } from './errors.js';
import { evaluateHead, type HeldOutMetrics } from './evaluate.js';
import { resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './options.js';
import { catalogInput, disposeTask, itemTask, splitUser, userSeed, type CatalogInput, type SplitOptions, type UserSplit } from './tasks.js';

/**
 * What `trainRecommender` returns: the trained params, the shipped inner loop and the held-out metrics.
 *
 * @example
 * const result = await trainRecommender(data, { iterations: 300 });
 * await writeTrainedBundle('out/bundle', data, result);
 * result.params.forEach((p) => p.dispose());
 */
export interface TrainResult {
  /** The recommender's config (written into the bundle). */
  readonly config: RecommenderConfig;
  /** Tower then head params, in spec order; the caller owns (and disposes) them. */
  readonly params: tf.Tensor[];
  /**
   * Meta-SGD only: the learned inner learning rates, one tensor per head
   * param (same shapes, head spec order). The caller owns (and disposes) them.
   */
  readonly lrs?: tf.Tensor[];
  /** 1 for catalog rows whose id embedding was trained (seen in a training user's history). */
  readonly known: Float32Array;
  /** The inner loop the bundle ships; with `lrs`, `lr` is the rate Meta-SGD started from. */
  readonly inner: InnerLoopSettings;
  /** Ids of the users trained on. */
  readonly trainUsers: readonly string[];
  /** Ids of the held-out users. */
  readonly heldOutUsers: readonly string[];
  /** Held-out nDCG@10 and query loss before and after adaptation. */
  readonly metrics: HeldOutMetrics;
  /** Counts, dataset name, algorithm and every setting: the bundle's `training` block. */
  readonly training: Record<string, unknown>;
  /** Wall time of the run. */
  readonly seconds: number;
}

type Histories = Map<string, Interaction[]>;

function histories(data: Dataset): Histories {
  const out: Histories = new Map();
  for (const [user, list] of groupByUser(data.interactions)) out.set(user, list.map((e) => ({ item: e.itemIndex, type: e.type, ...(e.value !== undefined ? { value: e.value } : {}), ts: e.ts })));
  return out;
}

function splitUsers(users: string[], o: ResolvedTrainOptions): { train: string[]; heldOut: string[] } {
  const order = shuffle([...users].sort(), createRng(o.seed ^ 0x5eed));
  const used = o.maxUsers ? order.slice(0, o.maxUsers) : order;
  const n = Math.round(used.length * o.holdout);
  if (used.length - n < 1) throw new InvalidInputError('holdout', `leaves no training users (${used.length} users, holdout ${o.holdout})`);
  return { heldOut: used.slice(0, n), train: used.slice(n) };
}

interface RatingStats {
  readonly mean: number;
  readonly std: number;
  readonly min?: number;
  readonly max?: number;
}

function ratingStats(hist: Histories, users: readonly string[]): RatingStats {
  const values = users.flatMap((u) => (hist.get(u) ?? []).flatMap((e) => (e.type === 'rating' && e.value !== undefined ? [e.value] : [])));
  if (values.length === 0) return { mean: 0, std: 1 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
  return { mean, std, min: values.reduce((a, b) => Math.min(a, b)), max: values.reduce((a, b) => Math.max(a, b)) };
}

function sampleTasks(rng: Rng, users: readonly string[], hist: Histories, split: Omit<SplitOptions, 'supportItems' | 'seed'>, o: ResolvedTrainOptions, it: number): UserSplit[] {
  const out: UserSplit[] = [];
  const [lo, hi] = o.supportRange;
  for (let tries = 0; out.length < o.metaBatch && tries < o.metaBatch * 20; tries++) {
    const user = users[rng.int(users.length)] as string;
    const s = splitUser(hist.get(user) ?? [], { ...split, supportItems: lo + rng.int(hi - lo + 1), seed: userSeed(user, it) });
    if (s) out.push(s);
  }
  if (out.length === 0) throw new InvalidInputError('data', 'no training user has enough interactions for a support and a query set');
  return out;
}

/**
 * Meta-trains the recommender over user tasks (one user = one task: support =
 * earlier interactions, query = later ones). The inner loop adapts only the
 * head; the tower learns in the outer loop (Adam). Users are split into
 * training and held-out by seed; held-out users measure nDCG@10 before and
 * after adaptation. The same seed reproduces the same weights.
 */
interface Setup {
  readonly o: ResolvedTrainOptions;
  readonly hist: Histories;
  readonly train: string[];
  readonly heldOut: string[];
  readonly config: RecommenderConfig;
  readonly known: Float32Array;
  readonly split: Omit<SplitOptions, 'supportItems' | 'seed'>;
  /** Interactions of the training users only (the warm start must not see held-out users). */
  readonly trainData: Dataset;
}

function setup(data: Dataset, options: TrainOptions): Setup {
  const o = resolveTrainOptions(options, data.feedback);
  const hist = histories(data);
  const { train, heldOut } = splitUsers([...hist.keys()], o);
  const stats: RatingStats = o.feedback === 'rating' ? ratingStats(hist, train) : { mean: 0, std: 1 };
  const numIds = Math.min(data.items.length, o.maxIds ?? data.items.length);
  const known = new Float32Array(data.items.length);
  for (const u of train) for (const e of hist.get(u) ?? []) if (e.item < numIds) known[e.item] = 1;
  const config: RecommenderConfig = { features: data.features, numIds, dim: o.dim, hidden: o.hidden, feedback: o.feedback, ratingMean: stats.mean, ratingStd: stats.std, ...(stats.min === undefined ? {} : { ratingMin: stats.min, ratingMax: stats.max }) };
  const split = { feedback: o.feedback, catalogSize: data.items.length, ratingMean: stats.mean, ratingStd: stats.std, negativesPerPositive: o.negativesPerPositive, maxSupport: o.maxSupport, maxQuery: o.maxQuery, queryNegatives: o.negativesPerPositive };
  const trainSet = new Set(train);
  const trainData: Dataset = { ...data, interactions: data.interactions.filter((e) => trainSet.has(e.user)) };
  return { o, hist, train, heldOut, config, known, split, trainData };
}

interface Trained {
  readonly params: tf.Tensor[];
  readonly lrs?: tf.Tensor[];
}

/**
 * The outer loop: Adam on the algorithm's meta-gradients (for Meta-SGD over
 * θ0 and the head's inner rates alike); returns the trained params and
 * learned rates (caller owns).
 */
async function metaTrain(s: Setup, catalog: CatalogInput, started: number): Promise<Trained> {
  const { o } = s;
  const full = trainingModel(createRecommender(s.config));
  const inner = { steps: o.innerSteps, lr: o.innerLr, loss: lossFor(o), mask: innerMask(o.algorithm, full.specs), priorCount: o.priorCount };
  const algo = trainAlgorithm(o.algorithm, inner.mask, o.innerLr);
  const init = initialParams(s, full);
  let params = algo.init(init);
  tf.dispose(init);
  const optimizer = adam(o.outerLr, { epsilon: 1e-7 });
  let state = optimizer.init(params);
  const rng = createRng(o.seed);
  let smoothed = Number.NaN;
  for (let it = 0; it < o.iterations; it++) {
    const tasks = sampleTasks(rng, s.train, s.hist, s.split, o, it).map((split) => itemTask(catalog, split));
    const step = algo.step(full, params, tasks, inner);
    const next = optimizer.update(step.grads, state, params);
    tf.dispose([...params, ...step.grads]);
    optimizer.disposeState(state);
    tasks.forEach(disposeTask);
    params = next.params;
    state = next.state;
    const diverged = divergence(step.loss, params, it === o.iterations - 1);
    if (diverged) {
      optimizer.disposeState(state);
      tf.dispose(params);
      throw new TrainingDivergedError(it + 1, diverged);
    }
    smoothed = Number.isNaN(smoothed) ? step.loss : 0.95 * smoothed + 0.05 * step.loss;
    reportProgress(o, it + 1, smoothed, started);
    if (it % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  optimizer.disposeState(state);
  const out = algo.split(params);
  return o.algorithm === 'anil' ? { params: out.params, lrs: anilRates(full.specs.slice(-createRecommender(s.config).head.specs.length), o.innerLr) } : out;
}

/**
 * Why training diverged, if it did. A non-finite loss is the early, free sign;
 * the parameters themselves are read back only at the end (`checkParams`),
 * which catches weights the loss never touched (id rows outside every batch).
 */
function divergence(loss: number, params: readonly tf.Tensor[], checkParams: boolean): string | undefined {
  if (!Number.isFinite(loss)) return `the loss is ${loss}`;
  if (checkParams && params.some((p) => firstNonFinite(p.dataSync()) >= 0)) return 'parameters are not finite';
  return undefined;
}

/** ANIL adapts only the head's output layer; every other algorithm adapts the whole head. */
const isOutputLayer = (spec: ParamSpec): boolean => spec.name.startsWith('head/out/');

function innerMask(algorithm: string, specs: readonly ParamSpec[]): boolean[] {
  return algorithm === 'anil' ? specs.map(isOutputLayer) : groupMask(specs, ['head']);
}

/**
 * ANIL's inner loop as per-parameter rates over the head: `lr` for the output
 * layer, 0 for the hidden layers. Shipped like Meta-SGD's learned rates, the
 * browser's engine then adapts exactly what ANIL adapted in training.
 */
function anilRates(head: readonly ParamSpec[], lr: number): tf.Tensor[] {
  return head.map((spec) => tf.fill([...spec.shape], isOutputLayer(spec) ? lr : 0));
}

/** θ0 before meta-training: seeded random, or with the tower (and a linear head) warm-started from MF. */
function initialParams(s: Setup, full: Model<ItemInput>): tf.Tensor[] {
  const init = full.init(s.o.seed);
  if (s.o.warmStart !== 'mf') return init;
  if (s.o.feedback !== 'rating') throw new InvalidInputError('warmStart', 'the MF warm start needs rating data');
  const warm = mfWarmStart(s.trainData, s.config, s.known, s.o.seed);
  const values = [...warm.tower, ...(warm.head ?? [])];
  const out = init.map((p, i) => (i < values.length ? tf.tensor(values[i] as Float32Array, p.shape) : p));
  tf.dispose(init.slice(0, values.length));
  return out;
}

const lossFor = (o: ResolvedTrainOptions) => (o.feedback === 'rating' ? mse : bceWithLogits);

/**
 * Meta-trains the recommender over user tasks (one user = one task: support =
 * earlier interactions, query = later ones). The inner loop adapts only the
 * head; the tower learns in the outer loop (Adam). Users are split into
 * training and held-out by seed; held-out users measure nDCG@10 before and
 * after adaptation. The same seed reproduces the same weights.
 *
 * @example
 * const data = loadMovielens();
 * const result = await trainRecommender(data, { algorithm: 'fomaml', iterations: 300, seed: 1 });
 * console.log(result.metrics.ndcg10Adapted);
 */
export async function trainRecommender(data: Dataset, options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const s = setup(data, options);
  const { o } = s;
  selectAlgorithm(o.algorithm);
  const catalog = catalogInput(data, s.known);
  let trained: Trained;
  let metrics: HeldOutMetrics;
  try {
    trained = await metaTrain(s, catalog, started);
    metrics = evaluateHeldOut(createRecommender(s.config), trained, catalog, s.heldOut, s.hist, { ...s.split, maxQuery: 1e9, queryNegatives: o.evalNegatives }, o);
  } finally {
    catalog.dispose();
  }
  const { params, lrs } = trained;
  // With learned rates (`lrs`), the bundle writer replaces `lr` by their mean, for information.
  const inner: InnerLoopSettings = { steps: o.innerSteps, lr: o.innerLr, negativesPerPositive: o.negativesPerPositive, maxSupport: o.maxSupport, ...(o.priorCount > 0 ? { priorCount: o.priorCount } : {}) };
  const { onProgress: _p, ...settings } = o;
  const seconds = (performance.now() - started) / 1000;
  const training = { ...summarizeDataset(data), algorithm: o.algorithm, seed: o.seed, settings, trainUsers: s.train.length, heldOutUsers: s.heldOut.length, seconds: Math.round(seconds * 10) / 10 };
  return { config: s.config, params, ...(lrs ? { lrs } : {}), known: s.known, inner, trainUsers: s.train, heldOutUsers: s.heldOut, metrics, training, seconds };
}

function reportProgress(o: ResolvedTrainOptions, iteration: number, loss: number, started: number): void {
  if (!o.onProgress) return;
  const elapsed = (performance.now() - started) / 1000;
  const tasks = iteration * o.metaBatch;
  o.onProgress({ iteration, iterations: o.iterations, tasks, tasksPerSecond: tasks / elapsed, loss, etaSeconds: (elapsed / iteration) * (o.iterations - iteration) });
}

/** Held-out nDCG with the inner loop the bundle will ship: the learned rates when there are some. */
function evaluateHeldOut(model: ReturnType<typeof createRecommender>, { params, lrs }: Trained, catalog: CatalogInput, users: readonly string[], hist: Histories, split: Omit<SplitOptions, 'supportItems' | 'seed'>, o: ResolvedTrainOptions): HeldOutMetrics {
  const splits = users.slice(0, o.evalUsers).flatMap((u) => splitUser(hist.get(u) ?? [], { ...split, supportItems: o.evalSupport, seed: userSeed(u, 0xe7a1) }) ?? []);
  const tower = params.slice(0, model.towerSize);
  const embeddings = tf.tidy(() => {
    const ids = tf.tensor1d(Int32Array.from(catalog.known, (k, i) => (k ? i : 0)), 'int32');
    return model.tower.apply(tower, { feats: catalog.feats, ids, known: tf.tensor1d(catalog.known) }) as tf.Tensor2D;
  });
  const metrics = evaluateHead(model.head, params.slice(model.towerSize), embeddings, splits, { steps: o.innerSteps, lr: lrs ?? o.innerLr, loss: lossFor(o), priorCount: o.priorCount });
  embeddings.dispose();
  return metrics;
}
