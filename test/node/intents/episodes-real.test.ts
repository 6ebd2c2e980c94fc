/**
 * A CI-sized episode run on the shared data (issue 7; the full evaluation is
 * `npm run attune -- eval --task intents`, docs/intents.md): meta-train a
 * small encoder on CLINC150 episodes for a few dozen iterations, then adapt
 * to BANKING77 — intents never seen in training — from the fixed 5-per-intent
 * draw. The meta-trained encoder must classify the BANKING77 test questions
 * better than the same encoder before meta-training, and leak no tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataRoot } from '../../../src/node/paths.js';
import { hasIntentData, intentDataHint, loadBanking77, loadBanking77Fewshot, loadClinc150, type IntentSplit } from '../../../src/node/intents/data.js';
import { fewShotClassify, shippedClassify } from '../../../src/node/intents/evaluate.js';
import { HYBRID_HEAD } from '../../../src/assistant/hybrid-head.js';
import { corpusFeaturizer, trainIntentEncoder } from '../../../src/node/intents/train-bundle.js';
import { initEncoder } from '../../../src/models/intent.js';
import { DEFAULT_FEATURIZER } from '../../../src/text/featurize.js';

const present = hasIntentData();
if (!present && process.env.CI === 'true') throw new Error(`the intent data sets are missing under ${dataRoot()} (CI=true requires them): ${intentDataHint()}`);
if (!present) console.warn(`skipping the intent episode run: ${intentDataHint()}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Every n-th question (keeps every intent, a tenth of the questions). */
const every = (s: IntentSplit, n: number): IntentSplit => ({ texts: s.texts.filter((_, i) => i % n === 0), labels: s.labels.filter((_, i) => i % n === 0) });

describe.skipIf(!present)('intent episodes on CLINC150 → BANKING77 (CI-sized)', () => {
  it('meta-training on CLINC150 episodes improves 5-shot accuracy on unseen BANKING77 intents', async () => {
    const tensors = tf.memory().numTensors;
    const clinc = loadClinc150();
    const train = every(clinc.train as IntentSplit, 3);
    const support = loadBanking77Fewshot('train_5');
    const test = every(loadBanking77().test as IntentSplit, 8);
    expect(new Set(support.labels).size).toBe(77);
    expect(new Set(train.labels).size).toBe(150);
    const options = {
      config: { featurizer: DEFAULT_FEATURIZER, rows: 2048, dim: 32, hidden: 64 },
      algorithm: 'fomaml' as const,
      shape: { ways: 20, shots: 4, queries: 4, prior: true },
      innerSteps: 3,
      innerLr: 0.02,
      seed: 3,
    };
    // Same seed, same init: 0 iterations is the encoder before meta-training.
    const before = await trainIntentEncoder(train, { ...options, iterations: 0 });
    const after = await trainIntentEncoder(train, { ...options, iterations: 60 });
    const inner = { steps: 10, lr: 0.02, prior: false };
    const acc0 = fewShotClassify(before.params, before.featurize, support, test, inner).accuracy;
    const acc1 = fewShotClassify(after.params, after.featurize, support, test, inner).accuracy;
    const withPrior = fewShotClassify(after.params, after.featurize, support, test, { ...inner, prior: true }).accuracy;
    const head = after.losses.slice(0, 10).reduce((a, b) => a + b, 0) / 10;
    const tail = after.losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    console.log(`[intents] BANKING77 5-shot on ${test.texts.length} test questions: encoder before ${(100 * acc0).toFixed(1)}%, after 60 CLINC150 episodes ${(100 * acc1).toFixed(1)}%, + TF-IDF prior ${(100 * withPrior).toFixed(1)}%; episode loss ${head.toFixed(3)} → ${tail.toFixed(3)}`);
    tf.dispose([...before.params, ...after.params]);
    expect(tail).toBeLessThan(head);
    expect(acc1).toBeGreaterThan(acc0 + 0.02);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 240_000);

  it('the assistant head (what answer() runs) is at least as accurate as TF-IDF logistic regression on the same features', () => {
    const tensors = tf.memory().numTensors;
    const config = { featurizer: DEFAULT_FEATURIZER, rows: 2048, dim: 32, hidden: 64 };
    // The head's defaults leave the encoder out (docs/intents.md), so an untrained one stands in for the bundle's.
    const { featurize } = corpusFeaturizer(config, every(loadClinc150().train as IntentSplit, 3).texts);
    const params = initEncoder(config, 3);
    const test = every(loadBanking77().test as IntentSplit, 8);
    for (const k of [5, 10] as const) {
      const support = loadBanking77Fewshot(`train_${k}`);
      const ours = shippedClassify(params, featurize, support, test).accuracy;
      // The baseline's settings (sparse-eval.ts: 100 full-batch steps, lr 20, L2 1e-5) without momentum are exactly
      // `logisticRegression` (hybrid-head.test.ts checks the scores match), ten times faster than its dense weights.
      const logreg = shippedClassify(params, featurize, support, test, { ...HYBRID_HEAD, momentum: 0, embeddingWeight: 0 }).accuracy;
      console.log(`[intents] BANKING77 ${k}-shot (fixed draw) on ${test.texts.length} test questions: assistant head ${(100 * ours).toFixed(1)}%, TF-IDF logistic regression ${(100 * logreg).toFixed(1)}%`);
      expect(ours).toBeGreaterThanOrEqual(logreg);
    }
    tf.dispose(params);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 240_000);
});
