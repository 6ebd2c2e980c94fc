import * as tf from '@tensorflow/tfjs';
import type { LoadedIntentBundle } from '../bundle/read.js';
import { classifierScalars, disposeSparseBatch, encode, toSparseBatch, type SparseBatch } from '../models/intent.js';
import { fitHead, headLogits, type HeadInput, type HeadScalars } from '../models/intent-head.js';
import { sparseCentroids, sparsePrior, type SparseCentroids } from '../models/intent-prior.js';
import { featurize, type SparseText } from '../text/featurize.js';

/** Probability per intent for one question, highest first. */
export type Ranked = { intent: string; confidence: number }[];

/**
 * The device side of the intent model: the bundle's encoder (frozen) and a
 * head fitted to the shop's examples — prototypes, then the bundle's inner
 * steps. Refitting takes one small batch, so it happens lazily whenever the
 * examples change.
 */
export interface IntentClassifier {
  /** Replaces the examples the head is fitted to (takes effect on the next `rank`). */
  setExamples(examples: readonly { intent: string; text: string }[]): void;
  rank(question: string): Promise<Ranked>;
  dispose(): void;
}

interface Fitted {
  readonly classes: readonly string[];
  readonly kernel: tf.Tensor;
  readonly bias: tf.Tensor;
  readonly centroids: SparseCentroids;
}

export function createIntentClassifier(bundle: LoadedIntentBundle): IntentClassifier {
  const { manifest } = bundle;
  const config = manifest.model.featurizer;
  const params = bundle.weights.map((w, i) => tf.tensor(w, [...(bundle.entries[i]?.shape ?? [])]));
  const scalars: HeadScalars = tf.tidy(() => {
    const s = classifierScalars(params);
    return { scale: s.scale.dataSync()[0] as number, priorWeight: manifest.model.prior ? (s.priorWeight.dataSync()[0] as number) : 0 };
  });
  const feat = (text: string): SparseText => featurize(text, config, bundle.idf);
  let examples: readonly { intent: string; text: string }[] = [];
  let fitted: Fitted | null = null;
  let dirty = true;

  const input = (texts: SparseText[], batch: SparseBatch, centroids: SparseCentroids, classes: number): HeadInput => ({
    z: encode(params, batch),
    ...(manifest.model.prior ? { prior: tf.tensor2d(sparsePrior(texts, centroids), [texts.length, classes]) } : {}),
  });

  const refit = (): void => {
    if (fitted) tf.dispose([fitted.kernel, fitted.bias]);
    fitted = null;
    dirty = false;
    if (examples.length === 0) return;
    const classes = [...new Set(examples.map((e) => e.intent))].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    const texts = examples.map((e) => feat(e.text));
    const labels = examples.map((e) => index.get(e.intent) as number);
    const centroids = sparseCentroids(texts, labels, classes.length);
    const batch = toSparseBatch(texts);
    const [kernel, bias] = tf.tidy(() => {
      const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), classes.length).toFloat() as tf.Tensor2D;
      return fitHead(input(texts, batch, centroids, classes.length), oneHot, { steps: manifest.inner.steps, lr: manifest.inner.lr, scalars });
    });
    disposeSparseBatch(batch);
    fitted = { classes, kernel: kernel as tf.Tensor, bias: bias as tf.Tensor, centroids };
  };

  return {
    setExamples: (next) => {
      examples = [...next];
      dirty = true;
    },
    rank: async (question) => {
      if (dirty) refit();
      const f = fitted;
      if (!f) return [];
      const texts = [feat(question)];
      const batch = toSparseBatch(texts);
      const probs = tf.tidy(() => tf.softmax(headLogits(f.kernel, f.bias, input(texts, batch, f.centroids, f.classes.length), scalars)));
      disposeSparseBatch(batch);
      const values = await probs.data();
      probs.dispose();
      return f.classes.map((intent, i) => ({ intent, confidence: values[i] as number })).sort((a, b) => b.confidence - a.confidence);
    },
    dispose: () => {
      if (fitted) tf.dispose([fitted.kernel, fitted.bias]);
      fitted = null;
      tf.dispose(params);
    },
  };
}
