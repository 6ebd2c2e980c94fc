import type * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/random.js';
import type { SparseText } from '../../text/featurize.js';
import type { IntentSplit } from './data.js';
import { drawSupport, fewShotClassify, meanInterval, shippedClassify } from './evaluate.js';
import { sparseBaselines } from './sparse-eval.js';

/** One method's accuracy over support draws: every draw's value, the mean and the 95% half-width. */
export interface MethodScore {
  readonly values: number[];
  readonly mean: number;
  readonly half: number;
}

export interface FewShotTable {
  /** e.g. "BANKING77, K=5, 5 random draws". */
  readonly setting: string;
  readonly scores: Readonly<Record<string, MethodScore>>;
}

/** The methods compared in every few-shot table. */
export interface Contenders {
  readonly featurize: (t: string) => SparseText;
  readonly buckets: number;
  /** Encoders by name (e.g. meta-trained, supervised-pretrained). */
  readonly encoders: Readonly<Record<string, readonly tf.Tensor[]>>;
  readonly inner: { readonly steps: number; readonly lr: number };
  /** Encoder params of the bundle the assistant would ship: adds the row of its own head (`shippedClassify`). */
  readonly shipped?: readonly tf.Tensor[];
}

/** The row of the assistant's own head (what `answer()` runs). */
export const SHIPPED_ROW = 'ours: assistant head (TF-IDF logistic regression, hybrid-head.ts)';

function score(values: number[]): MethodScore {
  return { values, ...meanInterval(values) };
}

/** Accuracy of every method on `query` for one support set. */
export function compareOnce(c: Contenders, support: IntentSplit, query: IntentSplit): Record<string, number> {
  const sparse = sparseBaselines(c.featurize, c.buckets, support, query);
  const out: Record<string, number> = { 'nearest centroid (TF-IDF)': sparse.centroid, 'logistic regression (TF-IDF)': sparse.logreg };
  for (const [name, params] of Object.entries(c.encoders)) {
    out[`${name}, encoder only`] = fewShotClassify(params, c.featurize, support, query, { ...c.inner, prior: false }).accuracy;
    out[`${name} + TF-IDF prior`] = fewShotClassify(params, c.featurize, support, query, { ...c.inner, prior: true }).accuracy;
  }
  if (c.shipped) out[SHIPPED_ROW] = shippedClassify(c.shipped, c.featurize, support, query).accuracy;
  return out;
}

/** Runs `compareOnce` over support sets and collects per-method scores. */
export function compareOver(c: Contenders, supports: readonly IntentSplit[], query: IntentSplit, setting: string, log?: (line: string) => void): FewShotTable {
  const all: Record<string, number[]> = {};
  supports.forEach((s, i) => {
    const once = compareOnce(c, s, query);
    log?.(`${setting} draw ${i + 1}/${supports.length}: ${Object.entries(once).map(([k, v]) => `${k} ${(100 * v).toFixed(2)}`).join(' | ')}`);
    for (const [k, v] of Object.entries(once)) (all[k] ??= []).push(v);
  });
  return { setting, scores: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, score(v)])) };
}

/** `draws` random K-per-intent support sets from `pool`, seeded. */
export function randomSupports(pool: IntentSplit, k: number, draws: number, seed: number): IntentSplit[] {
  return Array.from({ length: draws }, (_, d) => drawSupport(pool, k, createRng(seed * 1000 + d * 17 + k)));
}

/** Markdown: one row per method, one column per table. */
export function markdownTable(tables: readonly FewShotTable[]): string {
  const methods = [...new Set(tables.flatMap((t) => Object.keys(t.scores)))];
  const head = `| method | ${tables.map((t) => t.setting).join(' | ')} |\n|---|${tables.map(() => '---:').join('|')}|`;
  const rows = methods.map((m) => `| ${m} | ${tables.map((t) => {
    const s = t.scores[m];
    if (!s) return '–';
    return s.values.length > 1 ? `${(100 * s.mean).toFixed(2)} ± ${(100 * s.half).toFixed(2)}` : (100 * s.mean).toFixed(2);
  }).join(' | ')} |`);
  return [head, ...rows].join('\n');
}
