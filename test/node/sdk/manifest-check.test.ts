import { describe, expect, it } from 'vitest';
import { BundleError, checkManifest } from 'attune';
import { makeFixture } from './fixture.js';

/** A deep copy of a valid manifest with one field changed by `edit`. */
async function manifestWith(edit: (m: Record<string, any>) => void): Promise<unknown> {
  const m = structuredClone((await makeFixture()).manifest) as Record<string, any>;
  edit(m);
  return m;
}

function problemOf(json: unknown): string {
  try {
    checkManifest(json);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return `${(error as BundleError).code}: ${(error as Error).message}`;
  }
}

describe('checkManifest', () => {
  it('accepts the fixture bundle', async () => {
    expect(problemOf(await manifestWith(() => undefined))).toBe('accepted');
  });

  const cases: [string, (m: Record<string, any>) => void, RegExp][] = [
    ['a huge inner step count (would freeze the page)', (m) => (m.inner.steps = 1e9), /bundle-malformed: .*inner\.steps/],
    ['a string learning rate', (m) => (m.inner.lr = 'abc'), /inner\.lr/],
    ['maxSupport 0', (m) => (m.inner.maxSupport = 0), /inner\.maxSupport/],
    ['missing features', (m) => delete m.model.features, /model\.features/],
    ['an unknown feedback kind', (m) => (m.model.feedback = 'rating2'), /model\.feedback .*valid: rating, implicit/],
    ['a float16 weight', (m) => (m.weightsManifest[0].weights[0].dtype = 'float16'), /dtype "float16"; valid: float32/],
    ['duplicate catalog ids', (m) => (m.catalog.ids[1] = m.catalog.ids[0]), /catalog\.ids has duplicates/],
    ['numeric catalog ids', (m) => (m.catalog.ids[0] = 7), /catalog\.ids must all be non-empty strings/],
    ['format version 0', (m) => (m.formatVersion = 0), /formatVersion/],
    ['a rating scale with min > max', (m) => Object.assign(m.model, { ratingMin: 5, ratingMax: 1 }), /ratingMin\/ratingMax/],
    ['a newer format version', (m) => (m.formatVersion = 99), /bundle-unsupported-version/],
  ];
  it.each(cases)('refuses %s, naming the field', async (_name, edit, expected) => {
    expect(problemOf(await manifestWith(edit))).toMatch(expected);
  });
});
