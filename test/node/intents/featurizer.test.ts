import { describe, expect, it } from 'vitest';
import { computeIdf, DEFAULT_FEATURIZER, featurize, normalizeText, tokenize } from 'attune';
import { fnv1a } from '../../../src/text/hash.js';
import { checkFeaturizerConfig, textFeatures } from '../../../src/text/featurize.js';

describe('text featurizer', () => {
  it('normalizes case, accents, apostrophes and punctuation the same way every time', () => {
    expect(normalizeText("  My CARD hasn't arrived… Café?! ")).toBe('my card hasnt arrived cafe');
    expect(tokenize("I'm   still waiting")).toEqual(['im', 'still', 'waiting']);
    expect(tokenize('?!')).toEqual([]);
  });

  it('hashes with 32-bit FNV-1a (published test vectors)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('makes word n-grams and padded char n-grams', () => {
    const f = textFeatures('Top up', { ...DEFAULT_FEATURIZER, charNgrams: [3, 3] });
    expect(f.words).toEqual(['w1:top', 'w1:up', 'w2:top up']);
    expect(f.chars).toEqual(['c: to', 'c:top', 'c:op ', 'c: up', 'c:up ']);
  });

  it('gives unit-norm sparse vectors with sorted distinct ids, and an empty vector for empty text', () => {
    const x = featurize('How do I top up my card with cash?', DEFAULT_FEATURIZER);
    expect(x.ids.length).toBeGreaterThan(10);
    expect([...x.ids]).toEqual([...new Set(x.ids)].sort((a, b) => a - b));
    expect(Math.hypot(...x.weights)).toBeCloseTo(1, 5);
    expect(featurize('...', DEFAULT_FEATURIZER).ids.length).toBe(0);
  });

  it('weights rare buckets higher with idf', () => {
    const corpus = ['my card', 'my account', 'my pin', 'lost card'];
    const idf = computeIdf(corpus, DEFAULT_FEATURIZER);
    const plain = featurize('my pin', DEFAULT_FEATURIZER);
    const weighted = featurize('my pin', DEFAULT_FEATURIZER, idf);
    const wordId = (w: string) => plain.ids.indexOf(fnv1a(`w1:${w}`) & (DEFAULT_FEATURIZER.buckets - 1));
    const ratio = (x: typeof plain) => (x.weights[wordId('pin')] as number) / (x.weights[wordId('my')] as number);
    expect(ratio(weighted)).toBeGreaterThan(ratio(plain) * 1.3);
  });

  it('rejects invalid configs naming the field', () => {
    expect(() => checkFeaturizerConfig({ ...DEFAULT_FEATURIZER, buckets: 1000 })).toThrow(/buckets/);
    expect(() => checkFeaturizerConfig({ ...DEFAULT_FEATURIZER, charNgrams: [5, 3] })).toThrow(/charNgrams/);
  });
});
