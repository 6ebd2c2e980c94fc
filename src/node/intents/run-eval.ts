import type * as tf from '@tensorflow/tfjs';
import { createRng, shuffle } from '../../core/random.js';
import type { AlgorithmName } from '../../meta/registry.js';
import type { IntentEncoderConfig } from '../../models/intent.js';
import { DEFAULT_FEATURIZER } from '../../text/featurize.js';
import { calibrateThreshold } from './calibrate.js';
import { filterLabels, loadBanking77, loadBanking77Fewshot, loadClinc150, type IntentSplit } from './data.js';
import { fewShotClassify } from './evaluate.js';
import { pretrainIntents } from './pretrain.js';
import { compareOver, markdownTable, randomSupports, type FewShotTable } from './report.js';
import { trainIntentEncoder, type IntentTrainOptions } from './train-bundle.js';
import { nearestCentroid, argmax } from './sparse-baselines.js';

export interface IntentEvalOptions {
  readonly iterations: number;
  readonly draws: number;
  readonly seed: number;
  readonly algorithm: AlgorithmName;
  /** Keep every n-th test question (1 = all 3,080); CI runs use more. */
  readonly testStride: number;
  readonly withinDomain: boolean;
  readonly clinc: boolean;
  readonly config?: IntentEncoderConfig;
  readonly log?: (line: string) => void;
}

export interface OosResult {
  readonly method: string;
  readonly threshold: number;
  readonly inScopeAccuracy: number;
  readonly oosRecall: number;
}

export interface IntentEvalReport {
  readonly tables: FewShotTable[];
  readonly within: FewShotTable[];
  readonly clinc: OosResult[];
  readonly markdown: string;
  readonly settings: Record<string, unknown>;
}

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

/** CLINC150 with the full training set as support: in-scope accuracy and OOS recall at a threshold calibrated on val + oos_val. */
function clincOos(params: readonly tf.Tensor[], feat: (t: string) => import('../../text/featurize.js').SparseText, buckets: number, inner: { steps: number; lr: number }): OosResult[] {
  const c = loadClinc150();
  const clinc = c as Record<string, IntentSplit>;
  const train = clinc.train as IntentSplit;
  const val = clinc.val as IntentSplit;
  const test = clinc.test as IntentSplit;
  const parts = [val, clinc.oos_val as IntentSplit, test, clinc.oos_test as IntentSplit];
  // One pass over every question (the support's embeddings and prior are computed once).
  const all = fewShotClassify(params, feat, train, { texts: parts.flatMap((p) => p.texts), labels: parts.flatMap((p) => p.labels) }, { ...inner, prior: true });
  let offset = 0;
  const [valRows, oosValRows, testRows, oosTestRows] = parts.map((p) => {
    const rows = p.labels.map((l, i) => ({ confidence: all.confidence[offset + i] as number, correct: all.classes[all.predicted[offset + i] as number] === l }));
    offset += p.labels.length;
    return rows;
  }) as [Row[], Row[], Row[], Row[]];
  const cal = calibrateThreshold(valRows, oosValRows.map((r) => r.confidence));
  const ours: OosResult = {
    method: 'meta-trained encoder + TF-IDF prior',
    threshold: cal.threshold,
    inScopeAccuracy: testRows.filter((r) => r.correct && r.confidence >= cal.threshold).length / testRows.length,
    oosRecall: oosTestRows.filter((r) => r.confidence < cal.threshold).length / oosTestRows.length,
  };
  // Nearest centroid with cosine similarity as the confidence, calibrated the same way.
  const classes = [...new Set(train.labels)].sort();
  const index = new Map(classes.map((k, i) => [k, i]));
  const nc = nearestCentroid(train.texts.map(feat), train.labels.map((l) => index.get(l) as number), classes.length, buckets);
  const ncRows = (q: IntentSplit) => q.texts.map((t, i) => {
    const s = nc.scores(feat(t));
    const k = argmax(s);
    return { confidence: s[k] as number, correct: classes[k] === q.labels[i] };
  });
  const ncCal = calibrateThreshold(ncRows(val), ncRows(clinc.oos_val as IntentSplit).map((r) => r.confidence));
  const ncTest = ncRows(test);
  const ncOos = ncRows(clinc.oos_test as IntentSplit);
  return [ours, {
    method: 'nearest centroid (TF-IDF), cosine threshold',
    threshold: ncCal.threshold,
    inScopeAccuracy: ncTest.filter((r) => r.correct && r.confidence >= ncCal.threshold).length / ncTest.length,
    oosRecall: ncOos.filter((r) => r.confidence < ncCal.threshold).length / ncOos.length,
  }];
}

/**
 * The full intent evaluation (issue 7): meta-train on CLINC150, adapt to
 * BANKING77 with K = 5 and 10 per intent (fixed draws and random draws),
 * against nearest centroid, logistic regression and a supervised-pretrained
 * encoder; the within-BANKING77 split; CLINC150 OOS detection.
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
  const contenders = { featurize: meta.featurize, buckets: config.featurizer.buckets, encoders: { 'meta-trained (ours)': meta.params, 'supervised-pretrained': sup.params }, inner };
  const banking = loadBanking77();
  const test = stride(banking.test as IntentSplit, o.testStride);
  const tables: FewShotTable[] = [];
  try {
    for (const k of [5, 10] as const) {
      tables.push(compareOver(contenders, [loadBanking77Fewshot(`train_${k}`)], test, `K=${k} fixed draw`, log));
      tables.push(compareOver(contenders, randomSupports(banking.train as IntentSplit, k, o.draws, o.seed), test, `K=${k}, ${o.draws} random draws`, log));
    }
    const clincRes = o.clinc ? clincOos(meta.params, meta.featurize, config.featurizer.buckets, inner) : [];
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
    const c = { featurize: enc.featurize, buckets: config.featurizer.buckets, encoders: { 'meta-trained (ours)': enc.params }, inner };
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
    parts.push('', 'CLINC150 test (support: the full training set; threshold calibrated on val + oos_val):', '', '| method | in-scope accuracy | OOS recall | threshold |', '|---|---:|---:|---:|');
    for (const r of clinc) parts.push(`| ${r.method} | ${(100 * r.inScopeAccuracy).toFixed(2)} | ${(100 * r.oosRecall).toFixed(2)} | ${r.threshold.toFixed(3)} |`);
  }
  return parts.join('\n');
}
