import { InvalidInputError } from '../errors.js';
import { bucketOf } from './hash.js';
import { tokenize } from './normalize.js';

/** How text becomes hashed features; shipped in the intent bundle so the browser featurizes exactly as training did. */
export interface TextFeaturizerConfig {
  /** Number of hash buckets (a power of two); also the encoder's embedding rows. */
  readonly buckets: number;
  /** Word n-gram lengths, inclusive range, e.g. [1, 2]. */
  readonly wordNgrams: readonly [number, number];
  /** Character n-gram lengths over each word padded with spaces, e.g. [3, 5]; [0, 0] turns them off. */
  readonly charNgrams: readonly [number, number];
  /** Share of the unit weight given to char n-grams (words get the rest). */
  readonly charWeight: number;
}

/** The featurizer settings attune trains with unless told otherwise: 16384 buckets, word 1–2-grams, char 3–5-grams, half the weight each. */
export const DEFAULT_FEATURIZER: TextFeaturizerConfig = { buckets: 1 << 14, wordNgrams: [1, 2], charNgrams: [3, 5], charWeight: 0.5 };

/** One text as a sparse vector: distinct bucket ids and their weights (L2 norm 1 unless the text is empty). */
export interface SparseText {
  /** Distinct bucket ids, ascending. */
  readonly ids: Int32Array;
  /** The weight of each id. */
  readonly weights: Float32Array;
}

/** Checks a config (e.g. one read from a bundle); throws `InvalidInputError` naming the field. */
export function checkFeaturizerConfig(c: TextFeaturizerConfig): void {
  if (!Number.isInteger(c.buckets) || c.buckets < 2 || (c.buckets & (c.buckets - 1)) !== 0 || c.buckets > 1 << 22) {
    throw new InvalidInputError('buckets', `must be a power of two in 2..${1 << 22}, got ${c.buckets}`);
  }
  for (const [field, [lo, hi]] of [['wordNgrams', c.wordNgrams], ['charNgrams', c.charNgrams]] as const) {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo || hi > 8) throw new InvalidInputError(field, `must be [lo, hi] with 0 ≤ lo ≤ hi ≤ 8, got [${lo}, ${hi}]`);
  }
  if (!(c.charWeight >= 0 && c.charWeight <= 1)) throw new InvalidInputError('charWeight', `must be in [0, 1], got ${c.charWeight}`);
}

/** The raw (unweighted) features of a text: prefixed strings, so words and char n-grams never share a name. */
export function textFeatures(text: string, config: TextFeaturizerConfig): { words: string[]; chars: string[] } {
  const tokens = tokenize(text);
  const words: string[] = [];
  const [wlo, whi] = config.wordNgrams;
  for (let n = Math.max(1, wlo); n <= whi; n++) {
    for (let i = 0; i + n <= tokens.length; i++) words.push(`w${n}:${tokens.slice(i, i + n).join(' ')}`);
  }
  const chars: string[] = [];
  const [clo, chi] = config.charNgrams;
  if (chi > 0) {
    for (const token of tokens) {
      const padded = ` ${token} `;
      for (let n = Math.max(1, clo); n <= chi; n++) {
        for (let i = 0; i + n <= padded.length; i++) chars.push(`c:${padded.slice(i, i + n)}`);
      }
    }
  }
  return { words, chars };
}

function addCounts(into: Map<number, number>, features: readonly string[], buckets: number, share: number): void {
  if (features.length === 0) return;
  const counts = new Map<number, number>();
  for (const f of features) {
    const b = bucketOf(f, buckets);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  // Sublinear term frequency, then each family scaled to its share, so long
  // questions do not drown the words in char n-grams.
  let norm = 0;
  for (const c of counts.values()) norm += (1 + Math.log(c)) ** 2;
  const scale = share / Math.sqrt(norm);
  for (const [b, c] of counts) into.set(b, (into.get(b) ?? 0) + (1 + Math.log(c)) * scale);
}

/**
 * Featurizes one text: hashed word and char n-grams, sublinear counts, times
 * the per-bucket `idf` when given (TF-IDF), L2-normalized. Pure and
 * deterministic; runs the same in Node and the browser.
 *
 * @example
 * const { ids, weights } = featurize('Where is my order?', DEFAULT_FEATURIZER);
 */
export function featurize(text: string, config: TextFeaturizerConfig, idf?: Float32Array): SparseText {
  const { words, chars } = textFeatures(text, config);
  const acc = new Map<number, number>();
  const charShare = words.length === 0 ? 1 : chars.length === 0 ? 0 : config.charWeight;
  addCounts(acc, words, config.buckets, 1 - charShare);
  addCounts(acc, chars, config.buckets, charShare);
  const ids = Int32Array.from([...acc.keys()].sort((a, b) => a - b));
  const weights = new Float32Array(ids.length);
  let norm = 0;
  ids.forEach((b, i) => {
    const w = (acc.get(b) as number) * (idf ? (idf[b] as number) : 1);
    weights[i] = w;
    norm += w * w;
  });
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) * inv;
  }
  return { ids, weights };
}

/**
 * Inverse document frequency per bucket over a corpus: log((N + 1) / (df + 1)) + 1
 * (scikit-learn's smooth idf), so unseen buckets get the largest weight.
 *
 * @example
 * const idf = computeIdf(['where is my order', 'how do I return shoes'], DEFAULT_FEATURIZER);
 * const v = featurize('return my order', DEFAULT_FEATURIZER, idf);
 */
export function computeIdf(texts: readonly string[], config: TextFeaturizerConfig): Float32Array {
  const df = new Float32Array(config.buckets);
  for (const text of texts) {
    for (const b of featurize(text, config).ids) df[b] = (df[b] as number) + 1;
  }
  const n = texts.length;
  return df.map((d) => Math.log((n + 1) / (d + 1)) + 1);
}
