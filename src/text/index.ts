// The text featurizer: normalization and hashed n-grams, identical in Node and the browser.
export { normalizeText, tokenize } from './normalize.js';
export { bucketOf, fnv1a } from './hash.js';
export { checkFeaturizerConfig, computeIdf, DEFAULT_FEATURIZER, featurize, textFeatures, type SparseText, type TextFeaturizerConfig } from './featurize.js';
