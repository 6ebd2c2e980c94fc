import { createRng } from '../../../src/core/random.js';
import { initValues } from '../../../src/core/params.js';
import { encodeWeights, sha256Hex } from '../../../src/bundle/codec.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type Manifest, type WeightEntry } from '../../../src/bundle/format.js';
import { recommenderSpecs, type Feedback, type RecommenderConfig } from '../../../src/models/recommender.js';

/**
 * A tiny shop bundle made in the test (no trainer involved): items in three
 * categories whose embeddings point along one axis per category, plus noise,
 * and a randomly initialized head as θ0. A visitor's clicks on one category
 * should therefore pull that category up after adaptation.
 */
export const CATEGORIES = ['shoes', 'hats', 'bags'] as const;
export const BASE = 'https://bundles.test/shop/';

export interface FixtureOptions {
  readonly items?: number;
  readonly feedback?: Feedback;
  readonly formatVersion?: number;
  readonly seed?: number;
  readonly lr?: number;
  /** `inner.priorCount` in the manifest (absent when not given). */
  readonly priorCount?: number;
  /** Rating bundles: the scale written into the model config (absent: no scale, as in older bundles). */
  readonly ratingScale?: readonly [number, number];
}

export interface Fixture {
  readonly manifest: Manifest;
  readonly files: Map<string, Uint8Array>;
  readonly ids: string[];
  readonly categoryOf: (id: string) => string;
  /** A fetch serving the files under BASE; counts requests per file name. */
  readonly fetch: typeof fetch;
  readonly requests: string[];
}

export async function makeFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const n = options.items ?? 45;
  const dim = 6;
  const config: RecommenderConfig = {
    features: [{ name: 'category', kind: 'categorical', vocab: [...CATEGORIES] }],
    numIds: 0,
    dim,
    hidden: [8],
    feedback: options.feedback ?? 'implicit',
    ratingMean: 3,
    ratingStd: 1,
    ...(options.ratingScale ? { ratingMin: options.ratingScale[0], ratingMax: options.ratingScale[1] } : {}),
  };
  const ids = Array.from({ length: n }, (_, i) => `item-${i}`);
  const rng = createRng(options.seed ?? 7);
  const embeddings = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) embeddings[i * dim + d] = 0.1 * rng.normal();
    embeddings[i * dim + (i % 3)]! += 1;
  }
  const specs = recommenderSpecs(config);
  const all = [...specs.tower, ...specs.head];
  const entries: WeightEntry[] = all.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32', group: s.group }));
  const values = all.map((s, i) => initValues(s, 1000 + i + (options.seed ?? 0)));
  const weights = encodeWeights(entries, values);
  const items = new Uint8Array(embeddings.buffer);
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    formatVersion: options.formatVersion ?? BUNDLE_FORMAT_VERSION,
    kind: 'recommender',
    version: `test-${options.seed ?? 0}-${config.feedback}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: config,
    weightsManifest: [{ paths: ['weights.bin'], weights: entries }],
    catalog: { ids, embeddings: { path: 'items.bin', dtype: 'float32', shape: [n, dim] } },
    inner: { steps: 5, lr: options.lr ?? 0.5, negativesPerPositive: 4, maxSupport: 50, ...(options.priorCount === undefined ? {} : { priorCount: options.priorCount }) },
    files: [
      { path: 'weights.bin', bytes: weights.byteLength, sha256: await sha256Hex(weights) },
      { path: 'items.bin', bytes: items.byteLength, sha256: await sha256Hex(items) },
    ],
    training: { dataset: 'unit-test' },
    metrics: {},
  };
  const files = new Map<string, Uint8Array>([
    ['manifest.json', new TextEncoder().encode(JSON.stringify(manifest))],
    ['weights.bin', weights],
    ['items.bin', items],
  ]);
  const requests: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    const name = url.startsWith(BASE) ? url.slice(BASE.length) : url;
    requests.push(name);
    const body = files.get(name);
    return body ? new Response(body.slice()) : new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { manifest, files, ids, categoryOf: (id) => CATEGORIES[Number(id.slice(5)) % 3]!, fetch: fetchFn, requests };
}

let dbCounter = 0;
/** A fresh database name per test, so tests never see each other's events. */
export const freshDbName = (): string => `attune-test-${process.pid}-${++dbCounter}`;
