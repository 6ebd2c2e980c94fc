import { firstNonFinite } from '../core/finite.js';
import { BundleError } from '../errors.js';
import { decodeWeights, sha256Hex } from './codec.js';
import type { BundleCache } from './cache.js';
import { checkIntegrity, fetchBytes, verifyIntegrity, type FetchOptions } from './fetch.js';
import { checkIntentManifest, checkManifest } from './check.js';
import type { IntentManifest, Manifest, WeightEntry } from './format.js';

/** A verified bundle, decoded into plain arrays (no tensors yet). */
export interface LoadedBundle {
  /** The checked manifest. */
  readonly manifest: Manifest;
  /** Weights in manifest order. */
  readonly entries: readonly WeightEntry[];
  /** Weight values, one array per entry. */
  readonly weights: readonly Float32Array[];
  /** Catalog item embeddings, row-major [catalog.ids.length, model.dim]. */
  readonly embeddings: Float32Array;
}

/**
 * One bundle file arrived and checked out (`onProgress` of `loadBundle`, `createPersonalizer`, `createAssistant`).
 *
 * @example
 * await loadBundle('/bundles/shop/', { onProgress: (p) => console.log(`${p.file}: ${p.filesDone}/${p.filesTotal}, ${p.bytes} bytes`) });
 */
export interface BundleProgress {
  /** Always `'bundle'`: tells this apart from warm-up progress. */
  readonly phase: 'bundle';
  /** The file that just arrived (`'manifest.json'` first). */
  readonly file: string;
  /** Files received so far, this one included. */
  readonly filesDone: number;
  /** Files in the bundle, manifest included. */
  readonly filesTotal: number;
  /** Bytes received so far. */
  readonly bytes: number;
}

/**
 * Options of `loadBundle` and `loadIntentBundle`.
 *
 * @example
 * const bundle = await loadBundle('/bundles/shop/', { timeoutMs: 20_000, integrity: 'sha256-…' });
 */
export interface LoadBundleOptions extends FetchOptions {
  /**
   * Called after each file is fetched and verified.
   *
   * @example
   * await loadBundle('/bundles/shop/', { onProgress: ({ filesDone, filesTotal }) => (bar.value = filesDone / filesTotal) });
   */
  readonly onProgress?: (progress: BundleProgress) => void;
  /**
   * Where the last verified bundle is kept for offline use (see cache.ts); none: network only.
   *
   * @example
   * // createPersonalizer passes one when it may write to the device; loadBundle alone runs network-only without it.
   * const bundle = await loadBundle('/bundles/shop/', {});
   */
  readonly cache?: BundleCache;
  /**
   * Subresource Integrity value(s) of manifest.json (`'sha256-<base64>'`): pins the whole bundle, see verifyIntegrity.
   *
   * @example
   * await loadBundle('/bundles/shop/', { integrity: 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' });
   */
  readonly integrity?: string;
}

/**
 * Joins a bundle base URL (with or without a trailing slash) and a file name.
 *
 * @example
 * bundleUrl('https://cdn.example.com/attune', 'manifest.json'); // 'https://cdn.example.com/attune/manifest.json'
 */
export function bundleUrl(base: string, file: string): string {
  return base.endsWith('/') ? base + file : `${base}/${file}`;
}

/** The network first; with a cache, its copy under `key` when the download fails (offline, timeout, server error). */
async function fetchOrCached(url: string, key: string, options: LoadBundleOptions): Promise<{ buffer: ArrayBuffer; cached: boolean }> {
  try {
    return { buffer: await fetchBytes(url, options), cached: false };
  } catch (error) {
    const buffer = error instanceof BundleError ? await options.cache?.read(key).catch(() => undefined) : undefined;
    if (!buffer) throw error;
    return { buffer, cached: true };
  }
}

/** Fetches manifest.json, checks it against `integrity` when given, and parses it. */
async function fetchManifest(base: string, options: LoadBundleOptions): Promise<{ buffer: ArrayBuffer; cached: boolean; json: unknown }> {
  const integrity = checkIntegrity(options.integrity);
  const url = bundleUrl(base, 'manifest.json');
  const { buffer, cached } = await fetchOrCached(url, url, options);
  if (integrity !== undefined) await verifyIntegrity(url, buffer, integrity);
  try {
    return { buffer, cached, json: JSON.parse(new TextDecoder().decode(buffer)) };
  } catch (cause) {
    throw new BundleError('bundle-malformed', `manifest.json is not valid JSON: ${String(cause)}`, { cause });
  }
}

async function fetchVerified(base: string, path: string, manifest: Pick<Manifest, 'files'>, options: LoadBundleOptions): Promise<ArrayBuffer> {
  const entry = manifest.files.find((f) => f.path === path);
  if (!entry) throw new BundleError('bundle-malformed', `manifest.json lists no hash for ${path}`);
  const url = bundleUrl(base, path);
  const { buffer: bytes } = await fetchOrCached(url, `${url}#${entry.sha256}`, options);
  if (bytes.byteLength !== entry.bytes) {
    throw new BundleError('bundle-hash-mismatch', `${path} is ${bytes.byteLength} bytes, the manifest says ${entry.bytes} (truncated or replaced)`);
  }
  const hash = await sha256Hex(bytes);
  if (hash !== entry.sha256) {
    throw new BundleError('bundle-hash-mismatch', `${path} does not match its SHA-256 in manifest.json (got ${hash.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…)`);
  }
  return bytes;
}

/**
 * Fetches a bundle folder, verifies every binary file against the SHA-256 in
 * its manifest, and decodes it. Nothing is returned unless everything checks.
 *
 * @example
 * const bundle = await loadBundle('/bundles/shop/');
 * console.log(bundle.manifest.catalog.ids.length, bundle.embeddings.length);
 */
export async function loadBundle(base: string, options: LoadBundleOptions = {}): Promise<LoadedBundle> {
  const { buffer: manifestBuffer, cached, json } = await fetchManifest(base, options);
  const manifest = checkManifest(json);
  const weightPaths = manifest.weightsManifest.flatMap((g) => g.paths);
  const paths = [...weightPaths, manifest.catalog.embeddings.path];
  const filesTotal = paths.length + 1;
  let bytes = manifestBuffer.byteLength;
  options.onProgress?.({ phase: 'bundle', file: 'manifest.json', filesDone: 1, filesTotal, bytes });
  const buffers = new Map<string, ArrayBuffer>();
  for (const path of paths) {
    const buffer = await fetchVerified(base, path, manifest, options);
    buffers.set(path, buffer);
    bytes += buffer.byteLength;
    options.onProgress?.({ phase: 'bundle', file: path, filesDone: buffers.size + 1, filesTotal, bytes });
  }
  const entries = manifest.weightsManifest.flatMap((g) => g.weights);
  const weights = manifest.weightsManifest.flatMap((g) => decodeWeights(g.weights, concat(g.paths.map((p) => buffers.get(p) as ArrayBuffer))));
  const embBuffer = buffers.get(manifest.catalog.embeddings.path) as ArrayBuffer;
  const [rows, dim] = manifest.catalog.embeddings.shape;
  if (embBuffer.byteLength !== rows * dim * 4) {
    throw new BundleError('bundle-malformed', `${manifest.catalog.embeddings.path} holds ${embBuffer.byteLength} bytes, expected ${rows * dim * 4}`);
  }
  const embeddings = new Float32Array(embBuffer);
  checkFinite(manifest.catalog.embeddings.path, embeddings, (i) => `item ${manifest.catalog.ids[Math.floor(i / dim)]}`);
  weights.forEach((w, i) => checkFinite(weightPaths.join(', '), w, () => `weight ${(entries[i] as WeightEntry).name}`));
  if (options.cache && !cached) {
    const keyOf = (path: string): string => `${bundleUrl(base, path)}#${manifest.files.find((f) => f.path === path)?.sha256}`;
    // Best effort: a full or blocked Cache Storage only costs the offline copy.
    await options.cache.replace([[bundleUrl(base, 'manifest.json'), manifestBuffer], ...[...buffers].map(([path, b]) => [keyOf(path), b] as const)]).catch(() => undefined);
  }
  return { manifest, entries, weights, embeddings };
}

/**
 * Refuses NaN or ±Infinity: such a bundle (a diverged training run) would load and then only fail
 * when scoring. One pass over the floats, far cheaper than the SHA-256 already taken over the same bytes.
 */
function checkFinite(file: string, values: Float32Array, what: (index: number) => string): void {
  const i = firstNonFinite(values);
  if (i >= 0) throw new BundleError('bundle-malformed', `${file} holds non-finite values (${what(i)} is ${values[i]}); the bundle is unusable, retrain it (its training probably diverged)`);
}

function concat(parts: readonly ArrayBuffer[]): ArrayBuffer {
  if (parts.length === 1) return parts[0] as ArrayBuffer;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out.buffer;
}

/** A verified intent-model bundle, decoded into plain arrays. */
export interface LoadedIntentBundle {
  /** The checked manifest. */
  readonly manifest: IntentManifest;
  /** Encoder weights in manifest order (without the idf entry). */
  readonly entries: readonly WeightEntry[];
  /** Encoder weight values, one array per entry. */
  readonly weights: readonly Float32Array[];
  /** Per-bucket inverse document frequency, [model.featurizer.buckets]. */
  readonly idf: Float32Array;
}

/** The weight entry holding the featurizer's idf vector in an intent bundle. */
export const IDF_WEIGHT = 'featurizer/idf';

/**
 * Fetches an intent bundle (kind "intent"), verifies every file against its
 * SHA-256, and decodes it. Nothing is returned unless everything checks.
 *
 * @example
 * const bundle = await loadIntentBundle('/bundles/faq/');
 * console.log(bundle.manifest.intents.map((i) => i.name));
 */
export async function loadIntentBundle(base: string, options: LoadBundleOptions = {}): Promise<LoadedIntentBundle> {
  const { buffer: manifestBuffer, json } = await fetchManifest(base, options);
  const manifest = checkIntentManifest(json);
  const paths = manifest.weightsManifest.flatMap((g) => g.paths);
  let bytes = manifestBuffer.byteLength;
  options.onProgress?.({ phase: 'bundle', file: 'manifest.json', filesDone: 1, filesTotal: paths.length + 1, bytes });
  const buffers = new Map<string, ArrayBuffer>();
  for (const path of paths) {
    const buffer = await fetchVerified(base, path, manifest, options);
    buffers.set(path, buffer);
    bytes += buffer.byteLength;
    options.onProgress?.({ phase: 'bundle', file: path, filesDone: buffers.size + 1, filesTotal: paths.length + 1, bytes });
  }
  const all = manifest.weightsManifest.flatMap((g) => g.weights);
  const decoded = manifest.weightsManifest.flatMap((g) => decodeWeights(g.weights, concat(g.paths.map((p) => buffers.get(p) as ArrayBuffer))));
  const at = all.findIndex((e) => e.name === IDF_WEIGHT);
  const buckets = manifest.model.featurizer.buckets;
  if (at < 0 || (decoded[at] as Float32Array).length !== buckets) throw new BundleError('bundle-malformed', `manifest.json: weight ${IDF_WEIGHT} with shape [${buckets}] is missing`);
  return { manifest, entries: all.filter((_, i) => i !== at), weights: decoded.filter((_, i) => i !== at), idf: decoded[at] as Float32Array };
}
