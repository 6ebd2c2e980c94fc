import * as tf from '@tensorflow/tfjs';
import type { LoadedIntentBundle } from '../bundle/read.js';
import { disposeSparseBatch, encode, toSparseBatch } from '../models/intent.js';
import { featurize, type SparseText } from '../text/featurize.js';
import { fitHybridHead, fitHybridHeadAsync, HYBRID_HEAD, NO_EMBEDDING, softmax, type HybridHead, type HybridHeadOptions, type HybridInput } from './hybrid-head.js';

/** Probability per intent for one question, highest first. */
export type Ranked = { intent: string; confidence: number }[];

/**
 * The device side of the intent model: the bundle's featurizer (with its
 * idf) and frozen encoder, and a head fitted to the shop's examples (see
 * hybrid-head.ts). Refitting is plain JS over the shop's examples, so it
 * happens lazily whenever the examples change.
 */
export interface IntentClassifier {
  /** Replaces the examples the head is fitted to (takes effect on the next `rank`). */
  setExamples(examples: readonly { intent: string; text: string }[]): void;
  rank(question: string): Promise<Ranked>;
  dispose(): void;
}

/** Unit-norm encoder embeddings, one Float32Array per text (chunked so memory stays bounded). */
export function embedTexts(params: readonly tf.Tensor[], texts: readonly SparseText[], chunk = 256): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += chunk) {
    const batch = toSparseBatch(texts.slice(i, i + chunk));
    const z = encode(params, batch);
    const values = z.dataSync() as Float32Array;
    const dim = z.shape[1];
    for (let r = 0; r < batch.size; r++) out.push(values.slice(r * dim, (r + 1) * dim));
    z.dispose();
    disposeSparseBatch(batch);
  }
  return out;
}

/** What the head sees for each text; the encoder only runs when the head uses its embedding. */
export function headInputs(params: readonly tf.Tensor[], texts: readonly SparseText[], head: HybridHeadOptions): HybridInput[] {
  const dense = head.embeddingWeight !== 0 ? embedTexts(params, texts) : null;
  return texts.map((sparse, i) => ({ sparse, dense: dense?.[i] ?? NO_EMBEDDING }));
}

/** A head fitted to labelled texts, and its classes (sorted names, the head's class order). */
export interface ShopHead {
  readonly classes: readonly string[];
  /** Probabilities in `classes` order for each of `texts`. */
  probabilities(texts: readonly SparseText[]): Float32Array[];
}

/**
 * Fits the shop's head: the single code path behind `answer()` and the
 * evaluation's "ours" rows (src/node/intents/evaluate.ts), so what the
 * benchmark measures is what the browser runs.
 */
export function fitShopHead(params: readonly tf.Tensor[], texts: readonly SparseText[], labels: readonly string[], head: HybridHeadOptions = HYBRID_HEAD): ShopHead {
  const { classes, xs, ys } = shopSupport(params, texts, labels, head);
  return shopHead(params, classes, fitHybridHead(xs, ys, classes.length, head), head);
}

/** `fitShopHead` with the same result, yielding to the page's event loop while it fits (the assistant's path). */
async function fitShopHeadAsync(params: readonly tf.Tensor[], texts: readonly SparseText[], labels: readonly string[], head: HybridHeadOptions): Promise<ShopHead> {
  const { classes, xs, ys } = shopSupport(params, texts, labels, head);
  return shopHead(params, classes, await fitHybridHeadAsync(xs, ys, classes.length, head), head);
}

/** The head's inputs and class indices for labelled texts; classes are the sorted distinct labels. */
function shopSupport(params: readonly tf.Tensor[], texts: readonly SparseText[], labels: readonly string[], head: HybridHeadOptions): { classes: string[]; xs: HybridInput[]; ys: number[] } {
  const classes = [...new Set(labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, xs: headInputs(params, texts, head), ys: labels.map((l) => index.get(l) as number) };
}

function shopHead(params: readonly tf.Tensor[], classes: readonly string[], fitted: HybridHead, head: HybridHeadOptions): ShopHead {
  return { classes, probabilities: (qs) => headInputs(params, qs, head).map((x) => softmax(fitted.scores(x))) };
}

export function createIntentClassifier(bundle: LoadedIntentBundle, head: HybridHeadOptions = HYBRID_HEAD): IntentClassifier {
  const config = bundle.manifest.model.featurizer;
  const params = bundle.weights.map((w, i) => tf.tensor(w, [...(bundle.entries[i]?.shape ?? [])]));
  const feat = (text: string): SparseText => featurize(text, config, bundle.idf);
  let examples: readonly { intent: string; text: string }[] = [];
  let fitted: ShopHead | null = null;
  // Examples change by version; a rank waits until the head is fitted to the latest (one fit at a time).
  let version = 0;
  let fittedVersion = -1;
  let fitting: Promise<void> | null = null;

  const refit = async (): Promise<void> => {
    const [v, ex] = [version, examples];
    const next = ex.length === 0 ? null : await fitShopHeadAsync(params, ex.map((e) => feat(e.text)), ex.map((e) => e.intent), head);
    [fitted, fittedVersion] = [next, v];
  };
  const current = async (): Promise<void> => {
    while (fittedVersion !== version) {
      fitting ??= refit().finally(() => (fitting = null));
      await fitting;
    }
  };

  return {
    setExamples: (next) => {
      examples = [...next];
      version++;
    },
    rank: async (question) => {
      await current();
      const f = fitted;
      if (!f) return [];
      const probs = f.probabilities([feat(question)])[0] as Float32Array;
      return f.classes.map((intent, i) => ({ intent, confidence: probs[i] as number })).sort((a, b) => b.confidence - a.confidence);
    },
    dispose: () => {
      fitted = null;
      tf.dispose(params);
    },
  };
}
