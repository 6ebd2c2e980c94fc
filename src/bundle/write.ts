import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { firstNonFinite } from '../core/finite.js';
import type { Params, ParamSpec } from '../core/params.js';
import { createRecommender, encodeItemFeatures, featureWidth, type ItemFeatures, type RecommenderConfig } from '../models/recommender.js';
import { InvalidInputError } from '../errors.js';
import { encodeWeights, sha256Hex } from './codec.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleFileEntry, type InnerLoopSettings, type Manifest, type WeightEntry } from './format.js';

/**
 * What `encodeBundle` / `writeBundle` need: the model config, its trained params, the catalog and the inner loop.
 *
 * @example
 * const input: BundleInput = {
 *   config,
 *   params: createRecommender(config).full.init(1),
 *   catalog: { ids: ['sku-1', 'sku-2'], features: [{ category: 'shoes' }, { category: 'hats' }] },
 *   inner: { steps: 5, lr: 0.5, negativesPerPositive: 4, maxSupport: 50 },
 * };
 */
export interface BundleInput {
  /** The recommender's architecture and feedback kind. */
  readonly config: RecommenderConfig;
  /** Tower then head params, in spec order (as `createRecommender(config).full` expects). */
  readonly params: Params;
  /** The shop's items. */
  readonly catalog: {
    /** The shop's item ids, in row order. */
    readonly ids: readonly string[];
    /** Raw features per item, in the same order. */
    readonly features: readonly ItemFeatures[];
    /** 1 where row i has a trained id embedding (id = row); default: rows below `config.numIds`. */
    readonly known?: ArrayLike<number>;
  };
  /**
   * The inner loop. With `lrs`, `inner.lr` is replaced by the rates' mean
   * (for information: the SDK adapts with the per-parameter rates).
   */
  readonly inner: InnerLoopSettings;
  /**
   * Meta-SGD's learned inner learning rates, one tensor per head param (same
   * shapes, head spec order). Written as weights `lr/<param name>`, group `lr`.
   */
  readonly lrs?: Params;
  /** What the initialization was trained on (copied into the manifest). */
  readonly training?: Readonly<Record<string, unknown>>;
  /** Held-out metrics to record in the manifest. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** ISO time; default now. Not part of `version`. */
  readonly createdAt?: string;
}

const WEIGHTS_FILE = 'weights.bin';
const ITEMS_FILE = 'items.bin';

/**
 * Tower output for every catalog item, [ids.length, dim] row-major.
 *
 * @example
 * const rows = catalogEmbeddings(input); // Float32Array of length ids.length × config.dim
 */
export function catalogEmbeddings(input: BundleInput): Float32Array {
  const { config, catalog } = input;
  const model = createRecommender(config);
  const n = catalog.ids.length;
  const known = Float32Array.from({ length: n }, (_, i) => (catalog.known ? Number(catalog.known[i] ?? 0) : i < config.numIds ? 1 : 0));
  return tf.tidy(() => {
    const width = Math.max(1, featureWidth(config.features));
    const x = {
      feats: tf.tensor2d(encodeItemFeatures(config.features, catalog.features), [n, width]),
      // Unknown rows point at row 0 and are masked by `known`, so any catalog size is valid.
      ids: tf.tensor1d(Int32Array.from({ length: n }, (_, i) => (i < config.numIds ? i : 0)), 'int32'),
      known: tf.tensor1d(known),
    };
    return model.tower.apply(input.params.slice(0, model.towerSize), x).dataSync() as Float32Array;
  }).slice();
}

/** Weight entries `lr/<name>` (group `lr`) for Meta-SGD's per-parameter rates, checked against the head, and their mean. */
function rateEntries(head: readonly ParamSpec[], lrs: Params | undefined): { entries: WeightEntry[]; mean?: number } {
  if (!lrs) return { entries: [] };
  if (lrs.length !== head.length) throw new Error(`writeBundle: expected ${head.length} learning-rate tensors (one per head param), got ${lrs.length}`);
  head.forEach((spec, i) => {
    const shape = (lrs[i] as tf.Tensor).shape;
    if (shape.join(',') !== spec.shape.join(',')) throw new Error(`writeBundle: learning rate ${i} has shape [${shape}], ${spec.name} has [${spec.shape}]`);
  });
  let sum = 0;
  let count = 0;
  for (const t of lrs) {
    for (const v of t.dataSync()) sum += v;
    count += t.size;
  }
  const entries = head.map((s): WeightEntry => ({ name: `lr/${s.name}`, shape: [...s.shape], dtype: 'float32', group: 'lr' }));
  return { entries, mean: sum / count };
}

/** A bundle of NaN or ±Infinity loads fine and then ranks nothing: refuse to write one (loadBundle refuses to read one too). */
function refuseNonFinite(field: string, values: Float32Array, what: (index: number) => string): void {
  const at = firstNonFinite(values);
  if (at >= 0) throw new InvalidInputError(field, `${what(at)} holds ${values[at]}: a bundle must hold finite numbers only (did training diverge? lower the learning rates)`);
}

async function fileEntry(path: string, bytes: Uint8Array): Promise<BundleFileEntry> {
  return { path, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
}

/** A bundle in memory: its manifest and the bytes of every file, keyed by path. */
export interface EncodedBundle {
  /** The manifest as written to manifest.json. */
  readonly manifest: Manifest;
  /** Every file's bytes by name: weights.bin, items.bin and manifest.json. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/**
 * Encodes a bundle (format v1, src/bundle/format.ts) in memory: weights.bin
 * with every tower and head tensor in spec order (then Meta-SGD's learned
 * rates, when given), items.bin with the catalog's precomputed embeddings,
 * and manifest.json with the SHA-256 of both. The `version` is a content id
 * over both hashes and the model config, so it changes whenever anything the
 * browser computes with changes. Throws an InvalidInputError when a weight or
 * an item embedding is NaN or ±Infinity (a diverged training run).
 *
 * @example
 * const { manifest, files } = await encodeBundle(input);
 * console.log(manifest.version, files.get('weights.bin')!.byteLength);
 */
export async function encodeBundle(input: BundleInput): Promise<EncodedBundle> {
  const model = createRecommender(input.config);
  const specs = model.full.specs;
  if (input.params.length !== specs.length) throw new Error(`writeBundle: expected ${specs.length} params, got ${input.params.length}`);
  if (input.catalog.ids.length !== input.catalog.features.length) throw new Error('writeBundle: catalog ids and features differ in length');
  const rates = rateEntries(model.head.specs, input.lrs);
  const entries: WeightEntry[] = [...specs.map((s): WeightEntry => ({ name: s.name, shape: [...s.shape], dtype: 'float32', group: s.group })), ...rates.entries];
  const values = [...input.params, ...(input.lrs ?? [])].map((p) => p.dataSync() as Float32Array);
  values.forEach((v, i) => refuseNonFinite(i < specs.length ? 'params' : 'lrs', v, () => `weight ${(entries[i] as WeightEntry).name}`));
  const weights = encodeWeights(entries, values);
  const embeddings = catalogEmbeddings(input);
  refuseNonFinite('catalog', embeddings, (at) => `the embedding of item ${input.catalog.ids[Math.floor(at / input.config.dim)]}`);
  const items = new Uint8Array(embeddings.buffer);
  const files = [await fileEntry(WEIGHTS_FILE, weights), await fileEntry(ITEMS_FILE, items)];
  const versionSource = new TextEncoder().encode(files.map((f) => f.sha256).join('\n') + '\n' + JSON.stringify(input.config));
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    kind: 'recommender',
    version: (await sha256Hex(versionSource)).slice(0, 16),
    createdAt: input.createdAt ?? new Date().toISOString(),
    model: input.config,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: entries }],
    catalog: { ids: [...input.catalog.ids], embeddings: { path: ITEMS_FILE, dtype: 'float32', shape: [input.catalog.ids.length, input.config.dim] } },
    inner: rates.mean === undefined ? input.inner : { ...input.inner, lr: rates.mean },
    files,
    training: input.training ?? {},
    metrics: input.metrics ?? {},
  };
  const json = new TextEncoder().encode(JSON.stringify(manifest, null, 1) + '\n');
  return { manifest, files: new Map([[WEIGHTS_FILE, weights], [ITEMS_FILE, items], ['manifest.json', json]]) };
}

/**
 * Writes `encodeBundle(input)` as a bundle folder. Node only.
 *
 * @example
 * const manifest = await writeBundle('dist/bundles/shop', input);
 * console.log(`wrote bundle ${manifest.version}`);
 */
export async function writeBundle(dir: string, input: BundleInput): Promise<Manifest> {
  const { manifest, files } = await encodeBundle(input);
  mkdirSync(dir, { recursive: true });
  for (const [path, bytes] of files) writeFileSync(join(dir, path), bytes);
  return manifest;
}
