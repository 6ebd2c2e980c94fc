/**
 * The assistant's head (src/assistant/hybrid-head.ts): plain-JS logistic
 * regression over TF-IDF features joined with the encoder's embedding.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURIZER, featurize } from 'attune';
import { fitHybridHead, fitHybridHeadAsync, HYBRID_HEAD, softmax, type HybridInput } from '../../../src/assistant/hybrid-head.js';
import { argmax, logisticRegression } from '../../../src/node/intents/sparse-baselines.js';

const config = { ...DEFAULT_FEATURIZER, buckets: 1 << 12 };
const SUPPORT: [string, number][] = [
  ['how much is shipping', 0], ['delivery cost to germany', 0], ['do you ship abroad', 0],
  ['how do I return an item', 1], ['send it back for a refund', 1], ['print a return label', 1],
  ['can you gift wrap it', 2], ['add a gift message', 2], ['wrap it as a present', 2],
];
const QUERIES: [string, number][] = [['what does shipping cost', 0], ['I want a refund', 1], ['gift wrap please', 2]];
const sparse = (t: string) => featurize(t, config);
// A fixed pseudo-embedding per text (unit norm), standing in for the encoder's.
const dense = (t: string, dim = 8): Float32Array => {
  const v = Float32Array.from({ length: dim }, (_, d) => Math.sin((t.length + 1) * (d + 1)));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const inputs = (rows: [string, number][]): HybridInput[] => rows.map(([t]) => ({ sparse: sparse(t), dense: dense(t) }));

describe('hybrid head', () => {
  it('without momentum or embedding is exactly the TF-IDF logistic-regression baseline', () => {
    const options = { epochs: 40, lr: 20, l2: 1e-5, momentum: 0, embeddingWeight: 0 };
    const head = fitHybridHead(inputs(SUPPORT), SUPPORT.map(([, y]) => y), 3, options);
    const base = logisticRegression(SUPPORT.map(([t]) => sparse(t)), SUPPORT.map(([, y]) => y), 3, config.buckets, { epochs: 40, lr: 20, l2: 1e-5 });
    for (const [q] of [...QUERIES, ['zebra quantum violin', 0] as [string, number]]) {
      const a = head.scores({ sparse: sparse(q), dense: dense(q) });
      const b = base.scores(sparse(q));
      a.forEach((v, k) => expect(v).toBeCloseTo(b[k] as number, 4));
    }
  });

  it('classifies held-out phrasings with the shipped defaults, with and without the embedding, deterministically', () => {
    for (const embeddingWeight of [0, 0.5]) {
      const fit = () => fitHybridHead(inputs(SUPPORT), SUPPORT.map(([, y]) => y), 3, { ...HYBRID_HEAD, embeddingWeight });
      const head = fit();
      for (const [q, y] of QUERIES) expect(argmax(head.scores({ sparse: sparse(q), dense: dense(q) }))).toBe(y);
      const again = fit();
      expect([...again.scores({ sparse: sparse('shipping'), dense: dense('shipping') })]).toEqual([...head.scores({ sparse: sparse('shipping'), dense: dense('shipping') })]);
    }
  });

  it('the embedding changes the scores only when its weight is non-zero', () => {
    const ys = SUPPORT.map(([, y]) => y);
    const q = { sparse: sparse('how much is shipping'), dense: dense('how much is shipping') };
    const off = fitHybridHead(inputs(SUPPORT), ys, 3, { ...HYBRID_HEAD, embeddingWeight: 0 }).scores(q);
    const onlySparse = fitHybridHead(SUPPORT.map(([t]) => ({ sparse: sparse(t), dense: new Float32Array(0) })), ys, 3, { ...HYBRID_HEAD, embeddingWeight: 0 }).scores({ ...q, dense: new Float32Array(0) });
    const on = fitHybridHead(inputs(SUPPORT), ys, 3, { ...HYBRID_HEAD, embeddingWeight: 1 }).scores(q);
    expect([...off]).toEqual([...onlySparse]);
    expect(Math.max(...on.map((v, k) => Math.abs(v - (off[k] as number))))).toBeGreaterThan(1e-3);
  });

  it('momentum lowers the training loss reached in the same number of steps', () => {
    const ys = SUPPORT.map(([, y]) => y);
    const loss = (momentum: number): number => {
      const head = fitHybridHead(inputs(SUPPORT), ys, 3, { ...HYBRID_HEAD, epochs: 20, lr: 2, momentum });
      return inputs(SUPPORT).reduce((s, x, n) => s - Math.log(softmax(head.scores(x))[ys[n] as number] as number), 0) / ys.length;
    };
    expect(loss(0.5)).toBeLessThan(loss(0));
  });

  it('softmax is a stable probability vector', () => {
    const p = softmax(Float32Array.from([1000, 1001, 999]));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(argmax(p)).toBe(1);
  });

  it('the assistant fits asynchronously: the same weights as the sync fit, and the event loop runs while it fits', async () => {
    // A bigger support (many classes × phrasings) so the fit lasts several slices.
    const rows: [string, number][] = Array.from({ length: 400 }, (_, i) => [`question ${i % 40} about topic ${i % 40} variant ${i}`, i % 40]);
    const options = { ...HYBRID_HEAD, epochs: 200 };
    const sync = fitHybridHead(inputs(rows), rows.map(([, y]) => y), 40, options);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const started = performance.now();
    const async = await fitHybridHeadAsync(inputs(rows), rows.map(([, y]) => y), 40, options, 5);
    const ms = performance.now() - started;
    clearInterval(timer);
    for (const [q] of [...QUERIES, ...rows.slice(0, 5)]) expect(Array.from(async.scores({ sparse: sparse(q), dense: dense(q) }))).toEqual(Array.from(sync.scores({ sparse: sparse(q), dense: dense(q) })));
    // The fit is long enough to span several 5 ms slices, so timers must have run in between.
    expect(ms).toBeGreaterThan(20);
    expect(ticks).toBeGreaterThan(0);
    console.log(`[hybrid-head] async fit of 400 × 40 classes: ${ms.toFixed(0)} ms, ${ticks} timer ticks ran meanwhile`);
  });
});
