/**
 * 32-bit FNV-1a over UTF-16 code units. Chosen because it is a few lines of
 * integer math (Math.imul) that gives the same bucket in Node and every
 * browser, with no dictionary to download.
 * @see Fowler, Noll & Vo, http://www.isthe.com/chongo/tech/comp/fnv/
 */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Bucket in [0, buckets) of `feature`; `buckets` must be a power of two. */
export function bucketOf(feature: string, buckets: number): number {
  return fnv1a(feature) & (buckets - 1);
}
