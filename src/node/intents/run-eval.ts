import type * as tf from '@tensorflow/tfjs';
import { createRng, shuffle } from '../../core/random.js';
import type { AlgorithmName } from '../../meta/registry.js';
import type { IntentEncoderConfig } from '../../models/intent.js';
import { fitShopHead } from '../../assistant/classifier.js';
import { DEFAULT_FEATURIZER, type SparseText } from '../../text/featurize.js';
import { calibrateThreshold } from './calibrate.js';
import { filterLabels, loadBanking77, loadBanking77Fewshot, loadClinc150, type IntentSplit } from './data.js';
import { drawSupport, fewShotClassify, type FewShotResult } from './evaluate.js';
import { pretrainIntents } from './pretrain.js';
import { compareOver, markdownTable, randomSupports, type FewShotTable } from './report.js';
import { trainIntentEncoder, type IntentTrainOptions } from './train-bundle.js';
import { nearestCentroid, argmax } from './sparse-baselines.js';

/**
 * Options of `evaluateIntents` (`attune eval-intents`).
 *
 * @example
 * const report = await evaluateIntents({ iterations: 1000, draws: 5, seed: 1, algorithm: 'fomaml', testStride: 4, withinDomain: true, clinc: true });
 */
export interface IntentEvalOptions {
  /**
   * Meta-training steps.
   *
   * @example
   * await evaluateIntents({ ...options, iterations: 3000 });
   */
  readonly iterations: number;
  /**
   * Random support draws per K.
   *
   * @example
   * await evaluateIntents({ ...options, draws: 10 });
   */
  readonly draws: number;
  /**
   * Seeds training and the draws.
   *
   * @example
   * await evaluateIntents({ ...options, seed: 2 });
   */
  readonly seed: number;
  /**
   * The meta-learning outer loop.
   *
   * @example
   * await evaluateIntents({ ...options, algorithm: 'reptile' });
   */
  readonly algorithm: AlgorithmName;
  /**
   * Keep every n-th test question (1 = all 3,080); CI runs use more.
   *
   * @example
   * await evaluateIntents({ ...options, testStride: 10 });
   */
  readonly testStride: number;
  /**
   * Also run the within-BANKING77 split.
   *
   * @example
   * await evaluateIntents({ ...options, withinDomain: false });
   */
  readonly withinDomain: boolean;
  /**
   * Also run CLINC150 out-of-scope detection.
   *
   * @example
   * await evaluateIntents({ ...options, clinc: false });
   */
  readonly clinc: boolean;
  /**
   * The encoder; default INTENT_ENCODER.
   *
   * @example
   * await evaluateIntents({ ...options, config: { ...INTENT_ENCODER, dim: 32 } });
   */
  readonly config?: IntentEncoderConfig;
  /**
   * Receives progress lines.
   *
   * @example
   * await evaluateIntents({ ...options, log: console.log });
   */
  readonly log?: (line: string) => void;
}

export interface OosResult {
  readonly method: string;
  readonly threshold: number;
  readonly inScopeAccuracy: number;
  readonly oosRecall: number;
}

/**
 * What `evaluateIntents` returns: the tables and the markdown report.
 *
 * @example
 * const { markdown } = await evaluateIntents(options);
 * writeFileSync('docs/intents-results.md', markdown);
 */
export interface IntentEvalReport {
  /** BANKING77 few-shot results (CLINC150 → BANKING77). */
  readonly tables: FewShotTable[];
  /** Within-BANKING77 results. */
  readonly within: FewShotTable[];
  /** CLINC150 out-of-scope detection results. */
  readonly clinc: OosResult[];
  /** The whole report as markdown. */
  readonly markdown: string;
  /** The settings of the run. */
  readonly settings: Record<string, unknown>;
}

/** The encoder shape attune ships: 4096 × 64 embedding rows over DEFAULT_FEATURIZER, 256 hidden units. */
export const INTENT_ENCODER: IntentEncoderConfig = { featurizer: DEFAULT_FEATURIZER, rows: 4096, dim: 64, hidden: 256 };

type Row = { confidence: number; correct: boolean };

const stride = (s: IntentSplit, n: number): IntentSplit => ({ texts: s.texts.filter((_, i) => i % n === 0), labels: s.labels.filter((_, i) => i % n === 0) });

function trainOptions(o: IntentEvalOptions, config: IntentEncoderConfig): IntentTrainOptions {
  return {
    config,
    algorithm: o.algorithm,
    iterations: o.iterations,
    shape: { ways: 30, shots: 5, queries: 5, prior: true },
    innerSteps: 3,
    // The head's logits are scaled by the learned temperature s ≈ 10, so a step moves them by lr·s²: keep lr small.
    innerLr: 0.02,
    seed: o.seed,
    ...(o.log ? { onProgress: (p) => p.iteration % 25 === 0 && o.log?.(`  meta-train ${p.iteration}/${p.iterations} loss ${p.loss.toFixed(3)}`) } : {}),
  };
}

/** In-scope accuracy and OOS recall on test at the threshold calibrated on val + oos_val, for one way of scoring questions. */
function calibratedOos(method: string, rows: (q: IntentSplit) => Row[], clinc: Record<string, IntentSplit>): OosResult {
  const cal = calibrateThreshold(rows(clinc.val as IntentSplit), rows(clinc.oos_val as IntentSplit).map((r) => r.confidence));
  const test = rows(clinc.test as IntentSplit);
  const oos = rows(clinc.oos_test as IntentSplit);
  return {
    method,
    threshold: cal.threshold,
    inScopeAccuracy: test.filter((r) => r.correct && r.confidence >= cal.threshold).length / test.length,
    oosRecall: oos.filter((r) => r.confidence < cal.threshold).length / oos.length,
  };
}

/** Rows of a `FewShotResult` (confidence = top probability). */
const resultRows = (res: FewShotResult, q: IntentSplit): Row[] => q.labels.map((l, i) => ({ confidence: res.confidence[i] as number, correct: res.classes[res.predicted[i] as number] === l }));

/** Shots per intent of the CLINC150 support for the assistant's head (a shop's scale; the full 100 per intent would take minutes to fit in JS). */
export const CLINC_OOS_SHOTS = 10;

/**
 * CLINC150 out-of-scope detection: in-scope accuracy and OOS recall at a
 * threshold calibrated on val + oos_val. The previous head and nearest
 * centroid use the full training set as support; the assistant's head and
 * nearest centroid again use `CLINC_OOS_SHOTS` per intent.
 */
function clincOos(params: readonly tf.Tensor[], feat: (t: string) => SparseText, buckets: number, inner: { steps: number; lr: number }, seed: number): OosResult[] {
  const clinc = loadClinc150() as Record<string, IntentSplit>;
  const train = clinc.train as IntentSplit;
  const centroidRows = (support: IntentSplit) => {
    const classes = [...new Set(support.labels)].sort();
    const index = new Map(classes.map((k, i) => [k, i]));
    const nc = nearestCentroid(support.texts.map(feat), support.labels.map((l) => index.get(l) as number), classes.length, buckets);
    return (q: IntentSplit): Row[] => q.texts.map((t, i) => {
      const s = nc.scores(feat(t));
      const k = argmax(s);
      return { confidence: s[k] as number, correct: classes[k] === q.labels[i] };
    });
  };
  const few = drawSupport(train, CLINC_OOS_SHOTS, createRng(seed + 150));
  const shipped = fitShopHead(params, few.texts.map(feat), few.labels);
  const shippedRows = (q: IntentSplit): Row[] => {
    const probs = shipped.probabilities(q.texts.map(feat));
    return probs.map((p, i) => {
      const k = argmax(p);
      return { confidence: p[k] as number, correct: shipped.classes[k] === q.labels[i] };
    });
  };
  // The previous head refits on all 15,000 support questions per call: score the four splits in one pass.
  const parts = ['val', 'oos_val', 'test', 'oos_test'].map((k) => clinc[k] as IntentSplit);
  const joined: IntentSplit = { texts: parts.flatMap((p) => p.texts), labels: parts.flatMap((p) => p.labels) };
  const allRows = resultRows(fewShotClassify(params, feat, train, joined, { ...inner, prior: true }), joined);
  let offset = 0;
  const byPart = new Map(parts.map((p) => [p, allRows.slice(offset, (offset += p.labels.length))]));
  return [
    calibratedOos('meta-trained encoder + TF-IDF prior (previous head), full training set', (q) => byPart.get(q) ?? [], clinc),
    calibratedOos('nearest centroid (TF-IDF), cosine threshold, full training set', centroidRows(train), clinc),
    calibratedOos(`ours: assistant head, ${CLINC_OOS_SHOTS} per intent`, shippedRows, clinc),
    calibratedOos(`nearest centroid (TF-IDF), cosine threshold, ${CLINC_OOS_SHOTS} per intent`, centroidRows(few), clinc),
  ];
}

/**
 * The full intent evaluation (issue 7): meta-train on CLINC150, adapt to
 * BANKING77 with K = 5 and 10 per intent (fixed draws and random draws),
 * against nearest centroid, logistic regression and a supervised-pretrained
 * encoder; the within-BANKING77 split; CLINC150 OOS detection.
 *
 * @example
 * if (hasIntentData()) console.log((await evaluateIntents({ iterations: 300, draws: 3, seed: 1, algorithm: 'fomaml', testStride: 10, withinDomain: false, clinc: false })).markdown);
 */
export async function evaluateIntents(o: IntentEvalOptions): Promise<IntentEvalReport> {
  const config = o.config ?? INTENT_ENCODER;
  const log = o.log ?? (() => undefined);
  const clinc = loadClinc150();
  const clincTrain = clinc.train as IntentSplit;
  log(`meta-training on CLINC150 (${o.algorithm}, ${o.iterations} iterations)`);
  const meta = await trainIntentEncoder(clincTrain, trainOptions(o, config));
  log(`supervised pretraining on CLINC150 (${o.iterations} iterations)`);
  const sup = await pretrainIntents({ config, texts: clincTrain.texts.map(meta.featurize), labels: clincTrain.labels, iterations: o.iterations, seed: o.seed });
  const inner = { steps: 10, lr: 0.02 };
  const contenders = { featurize: meta.featurize, buckets: config.featurizer.buckets, encoders: { 'meta-trained': meta.params, 'supervised-pretrained': sup.params }, inner, shipped: meta.params };
  const banking = loadBanking77();
  const test = stride(banking.test as IntentSplit, o.testStride);
  const tables: FewShotTable[] = [];
  try {
    for (const k of [5, 10] as const) {
      tables.push(compareOver(contenders, [loadBanking77Fewshot(`train_${k}`)], test, `K=${k} fixed draw`, log));
      tables.push(compareOver(contenders, randomSupports(banking.train as IntentSplit, k, o.draws, o.seed), test, `K=${k}, ${o.draws} random draws`, log));
    }
    const clincRes = o.clinc ? clincOos(meta.params, meta.featurize, config.featurizer.buckets, inner, o.seed) : [];
    clincRes.forEach((r) => log(`CLINC150 ${r.method}: in-scope ${(100 * r.inScopeAccuracy).toFixed(2)}, OOS recall ${(100 * r.oosRecall).toFixed(2)} (threshold ${r.threshold.toFixed(3)})`));
    const within = o.withinDomain ? await withinBanking(o, config, inner, log) : [];
    const markdown = renderReport(tables, within, clincRes);
    return { tables, within, clinc: clincRes, markdown, settings: { ...o, log: undefined, config, inner } };
  } finally {
    [...meta.params, ...sup.params].forEach((p) => p.dispose());
  }
}

/** Meta-train on 50 BANKING77 intents, test on the 27 never seen in training. */
async function withinBanking(o: IntentEvalOptions, config: IntentEncoderConfig, inner: { steps: number; lr: number }, log: (l: string) => void): Promise<FewShotTable[]> {
  const banking = loadBanking77();
  const intents = shuffle([...new Set((banking.train as IntentSplit).labels)].sort(), createRng(o.seed + 77));
  const held = new Set(intents.slice(0, 27));
  const seen = new Set(intents.slice(27));
  log(`within-domain: meta-training on ${seen.size} BANKING77 intents, testing on ${held.size} unseen ones`);
  const enc = await trainIntentEncoder(filterLabels(banking.train as IntentSplit, seen), trainOptions(o, config));
  try {
    const c = { featurize: enc.featurize, buckets: config.featurizer.buckets, encoders: { 'meta-trained': enc.params }, inner, shipped: enc.params };
    const pool = filterLabels(banking.train as IntentSplit, held);
    const test = stride(filterLabels(banking.test as IntentSplit, held), o.testStride);
    return [5, 10].map((k) => compareOver(c, randomSupports(pool, k, o.draws, o.seed), test, `unseen 27 intents, K=${k}, ${o.draws} draws`, log));
  } finally {
    enc.params.forEach((p) => p.dispose());
  }
}

function renderReport(tables: FewShotTable[], within: FewShotTable[], clinc: OosResult[]): string {
  const parts = ['BANKING77 test accuracy (%), meta-trained on CLINC150, mean ± 95% interval over draws:', '', markdownTable(tables)];
  if (within.length) parts.push('', 'Within BANKING77 (meta-train on 50 intents, test on the 27 unseen), accuracy (%):', '', markdownTable(within));
  if (clinc.length) {
    parts.push('', 'CLINC150 test (support as named per row; threshold calibrated on val + oos_val):', '', '| method | in-scope accuracy | OOS recall | threshold |', '|---|---:|---:|---:|');
    for (const r of clinc) parts.push(`| ${r.method} | ${(100 * r.inScopeAccuracy).toFixed(2)} | ${(100 * r.oosRecall).toFixed(2)} | ${r.threshold.toFixed(3)} |`);
  }
  return parts.join('\n');
}
