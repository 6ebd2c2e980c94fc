/**
 * Text normalization shared by the trainer (Node) and the SDK (browser): the
 * same string must give the same features on both sides, so this uses only
 * plain string operations that behave identically in every JS engine.
 */

// Apostrophes vanish inside words ("hasn't" → "hasnt") so contractions stay one token.
const APOSTROPHES = /['\u2018\u2019\u02bc`]/g;
// Combining marks left by NFKD ("café" → "cafe").
const MARKS = /[\u0300-\u036f]/g;
// Anything that is not a letter or digit separates tokens.
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

/**
 * Lower-cased, accent-free, punctuation-free text with single spaces.
 *
 * @example
 * normalizeText("  Café — what's NEW?! "); // 'cafe whats new'
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(APOSTROPHES, '').replace(SEPARATORS, ' ').trim();
}

/**
 * The words of `text` after normalization.
 *
 * @example
 * tokenize("Hasn't it shipped?"); // ['hasnt', 'it', 'shipped']
 */
export function tokenize(text: string): string[] {
  const norm = normalizeText(text);
  return norm.length === 0 ? [] : norm.split(' ');
}
