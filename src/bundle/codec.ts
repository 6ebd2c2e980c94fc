import { BundleError } from '../errors.js';
import type { WeightEntry } from './format.js';

/**
 * Lower-case hex SHA-256 of `bytes`, with WebCrypto (browsers in a secure context, Node ≥ 20).
 *
 * @example
 * const hex = await sha256Hex(new Uint8Array(await (await fetch('/bundles/shop/weights.bin')).arrayBuffer()));
 */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new BundleError(
      'bundle-insecure-context',
      'WebCrypto is unavailable (the page is not a secure context), so the bundle cannot be verified; serve the page over https or from localhost',
    );
  }
  const digest = await subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function entrySize(entry: Pick<WeightEntry, 'shape'>): number {
  return entry.shape.reduce((a, b) => a * b, 1);
}

/**
 * Concatenates float32 arrays in entry order, little-endian, as tfjs does.
 *
 * @example
 * const bytes = encodeWeights([{ name: 'w', shape: [2], dtype: 'float32', group: 'head' }], [Float32Array.of(1, 2)]);
 */
export function encodeWeights(entries: readonly WeightEntry[], values: readonly Float32Array[]): Uint8Array {
  const total = entries.reduce((n, e) => n + entrySize(e), 0);
  const out = new Float32Array(total);
  let offset = 0;
  entries.forEach((e, i) => {
    const v = values[i];
    if (!v || v.length !== entrySize(e)) throw new Error(`weight ${e.name}: expected ${entrySize(e)} values, got ${v?.length}`);
    out.set(v, offset);
    offset += v.length;
  });
  return new Uint8Array(out.buffer);
}

/**
 * Splits a weights buffer back into one Float32Array per entry; throws a BundleError when sizes disagree.
 *
 * @example
 * const [w] = decodeWeights(entries, bytes.buffer); // one Float32Array per entry
 */
export function decodeWeights(entries: readonly WeightEntry[], buffer: ArrayBuffer): Float32Array[] {
  const expected = entries.reduce((n, e) => n + entrySize(e), 0) * 4;
  if (buffer.byteLength !== expected) {
    throw new BundleError('bundle-malformed', `weights are ${buffer.byteLength} bytes, the manifest describes ${expected}`);
  }
  const all = new Float32Array(buffer);
  let offset = 0;
  return entries.map((e) => {
    const n = entrySize(e);
    const slice = all.slice(offset, offset + n);
    offset += n;
    return slice;
  });
}
