import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { hasMovielens, loadMovielens, movielensDir, trainRecommender } from 'attune/node';
import { MOVIELENS_SETTINGS } from '../../../src/cli/commands/default-bundle.js';

const present = hasMovielens();
if (!present && process.env.CI === 'true') throw new Error(`MovieLens-100K is missing at ${movielensDir()} (CI=true requires it; set ATTUNE_DATA)`);
if (!present) console.warn(`skipping the MovieLens quality test: no data at ${movielensDir()} (download ml-100k from https://grouplens.org/datasets/movielens/100k/ and set ATTUNE_DATA to its parent folder)`);

describe.skipIf(!present)('MovieLens-100K: meta-learned init, adapted on 10 ratings', () => {
  it('beats the non-adapted init on mean nDCG@10 of held-out users', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const data = loadMovielens();
    const result = await trainRecommender(data, MOVIELENS_SETTINGS.train);
    const m = result.metrics;
    console.log(
      `ml-100k (${MOVIELENS_SETTINGS.train.algorithm}, ${result.trainUsers.length} training users, ${result.seconds.toFixed(1)} s): ` +
        `held-out users ${m.users}, nDCG@10 init ${m.ndcg10Init.toFixed(4)} → adapted ${m.ndcg10Adapted.toFixed(4)}, ` +
        `query MSE ${m.queryLossInit.toFixed(4)} → ${m.queryLossAdapted.toFixed(4)}`,
    );
    tf.dispose(result.params);
    expect(result.heldOutUsers.length).toBeGreaterThanOrEqual(180);
    expect(m.users).toBeGreaterThanOrEqual(100);
    expect(m.ndcg10Adapted).toBeGreaterThan(m.ndcg10Init);
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);
});
