import 'fake-indexeddb/auto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BundleError, createPersonalizer } from 'attune';
import { main } from '../../../src/cli/main.js';
import { adapt } from '../../../src/core/adapt.js';
import { bceWithLogits } from '../../../src/core/losses.js';
import { loadBundle, type LoadedBundle } from '../../../src/bundle/read.js';
import { toExamples } from '../../../src/models/feedback.js';
import { createRecommender } from '../../../src/models/recommender.js';
import { freshDbName } from '../sdk/fixture.js';

/** Serves file:// URLs from disk, so the SDK loads what the CLI wrote. */
const fileFetch = (async (url: string | URL) => new Response(readFileSync(fileURLToPath(String(url))))) as typeof fetch;

const INITIAL_LR = 0.5;
let bundleDir = '';
let bundle: LoadedBundle;
let leakedByCli = Number.NaN;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attune-metasgd-'));
  bundleDir = join(dir, 'bundle');
  const quiet = [vi.spyOn(process.stdout, 'write').mockImplementation(() => true), vi.spyOn(process.stderr, 'write').mockImplementation(() => true)];
  await tf.setBackend('cpu');
  expect(await main(['synth', '--out', join(dir, 'shop'), '--seed', '5', '--items', '36', '--visitors', '50'])).toBe(0);
  const before = tf.memory().numTensors;
  const args = ['train', '--data', join(dir, 'shop'), '--format', 'csv', '--algo', 'metasgd', '--iterations', '12', '--meta-batch', '3', '--inner-steps', '2'];
  expect(await main([...args, '--inner-lr', String(INITIAL_LR), '--dim', '8', '--seed', '2', '--out', bundleDir])).toBe(0);
  leakedByCli = tf.memory().numTensors - before;
  quiet.forEach((spy) => spy.mockRestore());
  bundle = await loadBundle(pathToFileURL(bundleDir).href, { fetch: fileFetch });
});

/** The learned rates in the bundle, by head param name. */
function learnedRates(): Map<string, Float32Array> {
  return new Map(bundle.entries.flatMap((e, i) => (e.group === 'lr' ? [[e.name.slice('lr/'.length), bundle.weights[i]!] as const] : [])));
}

describe('attune train --algo metasgd', () => {
  it('trains without leaking tensors', () => {
    expect(leakedByCli).toBe(0);
  });

  it('ships one learned rate per head weight, finite and moved away from the initial rate', () => {
    const { manifest, entries } = bundle;
    const head = createRecommender(manifest.model).head.specs;
    const lrEntries = entries.filter((e) => e.group === 'lr');
    expect(lrEntries.map((e) => [e.name, e.shape])).toEqual(head.map((s) => [`lr/${s.name}`, s.shape]));
    expect(entries.slice(-head.length)).toEqual(lrEntries); // after the head, as the format says
    const values = [...learnedRates().values()].flatMap((v) => Array.from(v));
    expect(values.every(Number.isFinite)).toBe(true);
    expect(Math.max(...values.map((v) => Math.abs(v - INITIAL_LR)))).toBeGreaterThan(1e-3);
    expect(manifest.inner.lr).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    expect(manifest.training).toMatchObject({ algorithm: 'metasgd' });
  });

  it('the SDK adapts with the learned rates: its scores equal the trainer-side adapt', async () => {
    const { manifest, weights, entries, embeddings } = bundle;
    const ids = manifest.catalog.ids;
    const clicked = [3, 8, 15, 21];
    const baseline = tf.memory().numTensors;
    const p = await createPersonalizer({ bundle: pathToFileURL(bundleDir).href + '/', backend: 'cpu', fetch: fileFetch, dbName: freshDbName() });
    let sdk: Map<string, number>;
    try {
      for (const [k, row] of clicked.entries()) await p.track({ type: 'click', itemId: ids[row]!, timestamp: 1_700_000_000_000 + k });
      sdk = new Map((await p.rank(ids)).map((r) => [r.itemId, r.score]));
      expect((await p.stats()).lastAdaptation).toMatchObject({ steps: manifest.inner.steps, cached: false });
    } finally {
      await p.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);

    // The same inner loop on the trainer side, from the bundle's θ0 and learned rates.
    const { head } = createRecommender(manifest.model);
    const rates = learnedRates();
    const headIdx = entries.flatMap((e, i) => (e.group === 'head' ? [i] : []));
    const support = toExamples(clicked.map((item, ts) => ({ item, type: 'click' as const, ts })), {
      feedback: 'implicit', catalogSize: ids.length, ratingMean: 0, ratingStd: 1, negativesPerPositive: manifest.inner.negativesPerPositive, exclude: new Set(clicked),
    });
    const scoresWith = (lr: 'learned' | 'scalar'): Float32Array =>
      tf.tidy(() => {
        const theta0 = headIdx.map((i) => tf.tensor(weights[i]!, [...entries[i]!.shape]));
        const lrs = lr === 'scalar' ? manifest.inner.lr : head.specs.map((s) => tf.tensor(rates.get(s.name)!, [...s.shape]));
        const all = tf.tensor2d(embeddings, [ids.length, manifest.model.dim]);
        const batch = { x: tf.gather(all, tf.tensor1d(support.items, 'int32')), y: tf.tensor1d(support.y), w: tf.tensor1d(support.w) };
        const theta = adapt(head, theta0, batch, { steps: manifest.inner.steps, lr: lrs, loss: bceWithLogits });
        return head.apply(theta, all).dataSync() as Float32Array;
      });
    const learned = scoresWith('learned');
    const gap = (want: Float32Array) => Math.max(...ids.map((id, i) => Math.abs(sdk.get(id)! - want[i]!)));
    expect(gap(learned)).toBeLessThan(1e-5);
    // And not with the scalar mean rate: the per-parameter rates make a difference the check can see.
    expect(gap(scoresWith('scalar'))).toBeGreaterThan(1e-3);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a bundle whose rates do not cover every head weight is refused', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'attune-metasgd-broken-'));
    cpSync(bundleDir, broken, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(broken, 'manifest.json'), 'utf8'));
    const last = manifest.weightsManifest[0].weights.at(-1);
    last.name = 'lr/head/not-a-param';
    writeFileSync(join(broken, 'manifest.json'), JSON.stringify(manifest));
    const error = await createPersonalizer({ bundle: pathToFileURL(broken).href, backend: 'cpu', fetch: fileFetch, dbName: freshDbName() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect(error).toMatchObject({ code: 'bundle-malformed', message: expect.stringMatching(/learning rates must cover every head weight/) });
  });
});
