import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adapt } from '../../../src/core/adapt.js';
import { bceWithLogits, mse } from '../../../src/core/losses.js';
import { initValues } from '../../../src/core/params.js';
import { createRng } from '../../../src/core/random.js';
import { createRecommender } from '../../../src/models/recommender.js';
import { fastAdapt } from '../../../src/engine/fast-head.js';
import { createEngine } from '../../../src/engine/engine.js';
import { loadBundle } from '../../../src/bundle/read.js';
import { BASE, makeFixture } from './fixture.js';

/** The hand-written inner loop must compute what the functional core computes with tfjs. */
describe('fastAdapt (hand-written head inner loop) equals core adapt() on tfjs cpu', () => {
  const dim = 32;
  const hidden = [64, 64];
  const n = 50;
  const { head } = createRecommender({ features: [], numIds: 0, dim, hidden, feedback: 'implicit', ratingMean: 0, ratingStd: 1 });
  const rng = createRng(3);
  const theta0 = head.specs.map((s, i) => initValues(s, 40 + i));
  // Non-zero biases, so every term of the gradient is exercised.
  theta0.forEach((v, i) => {
    if (i % 2 === 1) v.forEach((_, j) => (v[j] = 0.1 * rng.normal()));
  });
  const x = Float32Array.from({ length: n * dim }, () => rng.normal());
  const w = Float32Array.from({ length: n }, (_, i) => 1 + (i % 3));

  const cases = [
    { name: 'bce, scalar rate', loss: 'bce' as const, y: Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)), lr: 0.3 as number | Float32Array[] },
    { name: 'mse, scalar rate', loss: 'mse' as const, y: Float32Array.from({ length: n }, () => rng.normal()), lr: 0.05 as number | Float32Array[] },
    {
      name: 'bce, per-parameter rates (Meta-SGD)',
      loss: 'bce' as const,
      y: Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      lr: theta0.map((v) => Float32Array.from(v, () => 0.05 + 0.1 * Math.abs(rng.normal()))) as number | Float32Array[],
    },
    { name: 'mse, prior pseudo-count 20', loss: 'mse' as const, y: Float32Array.from({ length: n }, () => rng.normal()), lr: 0.05 as number | Float32Array[], priorCount: 20 },
  ];

  for (const c of cases) {
    it(c.name, () => {
      tf.setBackend('cpu');
      const ref = tf.tidy(() => {
        const p0 = theta0.map((v, i) => tf.tensor(v, [...head.specs[i]!.shape]));
        const lr = typeof c.lr === 'number' ? c.lr : c.lr.map((v, i) => tf.tensor(v, [...head.specs[i]!.shape]));
        const batch = { x: tf.tensor2d(x, [n, dim]), y: tf.tensor1d(c.y), w: tf.tensor1d(w) };
        const loss = c.loss === 'bce' ? bceWithLogits : mse;
        const params = adapt(head, p0, batch, { steps: 5, lr, loss, priorCount: c.priorCount ?? 0 });
        return { params: params.map((p) => p.dataSync().slice()), before: loss(head.apply(p0, batch.x), batch.y, batch.w).dataSync()[0]!, after: loss(head.apply(params, batch.x), batch.y, batch.w).dataSync()[0]! };
      });
      const fast = fastAdapt({ theta0, fanIn: [dim, ...hidden], lr: c.lr, x, y: c.y, w, steps: 5, loss: c.loss, priorCount: c.priorCount ?? 0 });
      let worst = 0;
      fast.params.forEach((p, i) => p.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ref.params[i]![j]!)))));
      expect(worst).toBeLessThan(1e-5);
      expect(fast.lossBefore).toBeCloseTo(ref.before, 5);
      expect(fast.lossAfter).toBeCloseTo(ref.after, 5);
      // The steps really moved the params (the comparison could fail).
      expect(Math.abs(fast.params[0]![0]! - theta0[0]![0]!)).toBeGreaterThan(1e-6);
      expect(fast.lossAfter).toBeLessThan(fast.lossBefore);
    });
  }
});

describe("the engine's two inner loops agree, and the divergence guard holds for both", () => {
  it.each(['implicit', 'rating'] as const)('%s bundle: js and tfjs give the same adapted scores', async (feedback) => {
    const fx = await makeFixture({ feedback, items: 45, lr: 0.1 });
    const bundle = await loadBundle(BASE, { fetch: fx.fetch });
    const support = { items: Int32Array.from([0, 3, 6, 1, 2]), y: Float32Array.from(feedback === 'rating' ? [1, 0.5, 1.5, -1, -0.5] : [1, 1, 1, 0, 0]), w: Float32Array.from([1, 1, 2, 1, 1]) };
    const rows = Array.from({ length: 45 }, (_, i) => i);
    const scores: number[][] = [];
    for (const innerLoop of ['js', 'tfjs'] as const) {
      const engine = await createEngine(bundle, { backend: ['cpu'], innerLoop });
      const r = await engine.adapt(support);
      expect(r.applied).toBe(true);
      scores.push(await engine.scoreRows(rows));
      engine.dispose();
    }
    scores[0]!.forEach((s, i) => expect(Math.abs(s - scores[1]![i]!)).toBeLessThan(1e-5));
  });

  it("both honor the bundle's prior pseudo-count (a smaller move from θ0, the same in each)", async () => {
    const support = { items: Int32Array.from([0, 3, 6, 1, 2]), y: Float32Array.from([1, 1, 1, 0, 0]), w: Float32Array.from([1, 1, 2, 1, 1]) };
    const rows = Array.from({ length: 45 }, (_, i) => i);
    const moved: Record<string, number[]> = {};
    for (const priorCount of [0, 30]) {
      const bundle = await loadBundle(BASE, { fetch: (await makeFixture({ lr: 0.1, priorCount })).fetch });
      for (const innerLoop of ['js', 'tfjs'] as const) {
        const engine = await createEngine(bundle, { backend: ['cpu'], innerLoop });
        const before = await engine.scoreRows(rows);
        expect((await engine.adapt(support)).applied).toBe(true);
        const after = await engine.scoreRows(rows);
        moved[`${priorCount}/${innerLoop}`] = after.map((s, i) => s - before[i]!);
        engine.dispose();
      }
    }
    const size = (d: number[]) => Math.sqrt(d.reduce((a, v) => a + v * v, 0));
    moved['30/js']!.forEach((d, i) => expect(Math.abs(d - moved['30/tfjs']![i]!)).toBeLessThan(1e-5));
    // Σw = 6 against a pseudo-count of 30: the step shrinks to 6/36 of its size (the first step exactly; later ones nearly).
    const ratio = size(moved['30/js']!) / size(moved['0/js']!);
    expect(ratio).toBeGreaterThan(0.1);
    expect(ratio).toBeLessThan(0.3);
  });

  it('a diverging inner loop is refused (θ0 kept) by both', async () => {
    const fx = await makeFixture({ lr: 500 });
    const bundle = await loadBundle(BASE, { fetch: fx.fetch });
    const support = { items: Int32Array.from([0, 3, 6, 1, 2]), y: Float32Array.from([1, 1, 1, 0, 0]), w: Float32Array.from([1, 1, 1, 1, 1]) };
    for (const innerLoop of ['js', 'tfjs'] as const) {
      const engine = await createEngine(bundle, { backend: ['cpu'], innerLoop });
      const before = await engine.scoreRows([0, 1, 2]);
      const r = await engine.adapt(support);
      expect(r.applied, innerLoop).toBe(false);
      expect(await engine.scoreRows([0, 1, 2])).toEqual(before);
      engine.dispose();
    }
  });
});
