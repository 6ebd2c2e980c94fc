/**
 * A CI-sized run of the cold-start evaluation on ML-100K (the full benchmark
 * is `npm run bench:eval`, docs/benchmarks.md): under the MeLU protocol and
 * user cold-start at K = 10, attune's meta-learned initialization, adapted on
 * each test user's support ratings through the browser's engine, must
 * predict the query ratings better (lower MAE) than the same model trained
 * without meta-learning and not adapted.
 */
import { describe, expect, it } from 'vitest';
import { hasMovielens, loadMovielens, movielensDir } from '../../../src/node/data/movielens.js';
import { evaluate } from '../../../src/node/eval/run.js';

const present = hasMovielens();
if (!present && process.env.CI === 'true') throw new Error(`MovieLens-100K is missing at ${movielensDir()} (CI=true requires it; set ATTUNE_DATA)`);
if (!present) console.warn(`skipping the ML-100K evaluation test: no data at ${movielensDir()} (download ml-100k from https://grouplens.org/datasets/movielens/100k/ and set ATTUNE_DATA to its parent folder)`);

describe.skipIf(!present)('attune eval on ML-100K (CI-sized)', () => {
  it('the meta-learned init, adapted, beats the unadapted global model on MAE for test users', async () => {
    const report = await evaluate(loadMovielens(), {
      protocols: ['melu', 'user'],
      ks: [10],
      methods: ['global', 'metasgd'],
      train: { iterations: 40 },
      bootstrapSamples: 500,
    });
    for (const protocol of ['melu', 'user-cold-start']) {
      const mae = (method: string) => report.results.find((r) => r.protocol === protocol && r.method === method)?.metrics.mae;
      const meta = mae('metasgd');
      const global = mae('global');
      console.log(`[eval] ${protocol}: MAE global ${global?.mean.toFixed(4)} [${global?.lo.toFixed(4)}, ${global?.hi.toFixed(4)}], metasgd ${meta?.mean.toFixed(4)} [${meta?.lo.toFixed(4)}, ${meta?.hi.toFixed(4)}] over ${meta?.n} test users`);
      expect(meta?.n).toBeGreaterThanOrEqual(40);
      expect(meta!.mean).toBeLessThan(global!.mean);
      // The meta row carries its per-user difference from the best (here the only) baseline: every test user has an MAE,
      // so its mean is the difference of the two means.
      const paired = report.results.find((r) => r.protocol === protocol && r.method === 'metasgd')?.paired?.mae;
      expect(paired).toMatchObject({ baseline: 'global', n: meta!.n });
      expect(paired!.mean).toBeCloseTo(meta!.mean - global!.mean, 9);
      expect(paired!.lo).toBeLessThanOrEqual(paired!.mean);
      expect(paired!.hi).toBeGreaterThanOrEqual(paired!.mean);
    }
  }, 300_000);
});
