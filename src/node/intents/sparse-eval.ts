import type { SparseText } from '../../text/featurize.js';
import type { IntentSplit } from './data.js';
import { fitHybridHead, NO_EMBEDDING } from '../../assistant/hybrid-head.js';
import { argmax, nearestCentroid, type LogRegOptions } from './sparse-baselines.js';

/** Accuracy of the two sparse baselines on `query` after training on `support`. */
export function sparseBaselines(featurize: (t: string) => SparseText, buckets: number, support: IntentSplit, query: IntentSplit, logreg: LogRegOptions = {}): { centroid: number; logreg: number } {
  const classes = [...new Set(support.labels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const xs = support.texts.map(featurize);
  const ys = support.labels.map((l) => index.get(l) as number);
  const qs = query.texts.map(featurize);
  const acc = (scores: (x: SparseText) => Float32Array): number =>
    qs.reduce((n, q, i) => n + (classes[argmax(scores(q))] === query.labels[i] ? 1 : 0), 0) / qs.length;
  const nc = nearestCentroid(xs, ys, classes.length, buckets);
  // `logisticRegression`'s exact update (no momentum) on compact weights: the same scores (hybrid-head.test.ts
  // checks them against it) about ten times faster than its dense [classes, buckets] weights.
  const { epochs = 100, lr = 20, l2 = 1e-5 } = logreg;
  const fitted = fitHybridHead(xs.map((sparse) => ({ sparse, dense: NO_EMBEDDING })), ys, classes.length, { epochs, lr, l2, momentum: 0, embeddingWeight: 0 });
  return { centroid: acc(nc.scores), logreg: acc((x) => fitted.scores({ sparse: x, dense: NO_EMBEDDING })) };
}
