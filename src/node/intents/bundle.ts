import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { encodeWeights, sha256Hex } from '../../bundle/codec.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type IntentManifest, type IntentSeed, type WeightEntry } from '../../bundle/format.js';
import { IDF_WEIGHT } from '../../bundle/read.js';
import { encoderSpecs, type IntentEncoderConfig } from '../../models/intent.js';

/**
 * What `writeIntentBundle` needs: the trained encoder, its idf, the inner loop, threshold and starter intents.
 *
 * @example
 * await writeIntentBundle('out/faq', { config: INTENT_ENCODER, params, idf, prior: true, inner: { steps: 3, lr: 0.02 }, threshold: 0.4 });
 */
export interface IntentBundleInput {
  /** The encoder's shape and featurizer. */
  readonly config: IntentEncoderConfig;
  /** Encoder params in `encoderSpecs` order. */
  readonly params: readonly tf.Tensor[];
  /** The featurizer's idf, one value per bucket. */
  readonly idf: Float32Array;
  /** Whether the classifier adds the sparse-centroid prior. */
  readonly prior: boolean;
  /** The head refinement the device runs. */
  readonly inner: {
    /** Head refinement steps. */
    readonly steps: number;
    /** Their learning rate. */
    readonly lr: number;
  };
  /** The calibrated out-of-scope threshold. */
  readonly threshold: number;
  /** Starter intents shipped in the bundle. */
  readonly intents?: readonly IntentSeed[];
  /** What the encoder was trained on. */
  readonly training?: Readonly<Record<string, unknown>>;
  /** Metrics measured at training time. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** ISO time; default now. */
  readonly createdAt?: string;
}

const WEIGHTS_FILE = 'weights.bin';

/**
 * Writes an intent bundle (kind "intent"): weights.bin with the encoder
 * params then the featurizer's idf, and manifest.json with their SHA-256.
 * `version` is a content id over the weights, config and starter intents.
 * Node only.
 *
 * @example
 * const manifest = await writeIntentBundle('demo/public/bundles/faq', { config: INTENT_ENCODER, params, idf, prior: true, inner: { steps: 3, lr: 0.02 }, threshold: 0.45, intents: [{ name: 'returns', examples: ['how do I return this'] }] });
 */
export async function writeIntentBundle(dir: string, input: IntentBundleInput): Promise<IntentManifest> {
  const specs = encoderSpecs(input.config);
  if (input.params.length !== specs.length) throw new Error(`writeIntentBundle: expected ${specs.length} encoder params, got ${input.params.length}`);
  const buckets = input.config.featurizer.buckets;
  if (input.idf.length !== buckets) throw new Error(`writeIntentBundle: idf has ${input.idf.length} entries for ${buckets} buckets`);
  const entries: WeightEntry[] = [
    ...specs.map((s): WeightEntry => ({ name: s.name, shape: [...s.shape], dtype: 'float32', group: s.group })),
    { name: IDF_WEIGHT, shape: [buckets], dtype: 'float32', group: 'featurizer' },
  ];
  const weights = encodeWeights(entries, [...input.params.map((p) => p.dataSync() as Float32Array), input.idf]);
  const file = { path: WEIGHTS_FILE, bytes: weights.byteLength, sha256: await sha256Hex(weights) };
  const { featurizer, rows, dim, hidden } = input.config;
  const model = { featurizer: { buckets, wordNgrams: featurizer.wordNgrams, charNgrams: featurizer.charNgrams, charWeight: featurizer.charWeight }, rows, dim, hidden, prior: input.prior };
  const intents = input.intents ?? [];
  const versionSource = new TextEncoder().encode(`${file.sha256}\n${JSON.stringify({ model, inner: input.inner, threshold: input.threshold, intents })}`);
  const manifest: IntentManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    kind: 'intent',
    version: (await sha256Hex(versionSource)).slice(0, 16),
    createdAt: input.createdAt ?? new Date().toISOString(),
    model,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: entries }],
    inner: input.inner,
    outOfScope: { threshold: input.threshold },
    intents,
    files: [file],
    training: input.training ?? {},
    metrics: input.metrics ?? {},
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, WEIGHTS_FILE), weights);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}
