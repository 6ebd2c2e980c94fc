import { BundleError } from '../errors.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type IntentManifest, type Manifest } from './format.js';

/** Upper bound on shipped inner steps: the loop runs on the visitor's device, so a huge count would freeze it. */
export const MAX_INNER_STEPS = 1000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function fail(field: string, problem: string): never {
  throw new BundleError('bundle-malformed', `manifest.json: ${field} ${problem}`);
}

function checkModel(model: unknown): void {
  if (!isObject(model)) fail('model', 'is missing');
  if (!Array.isArray(model.features)) fail('model.features', 'must be an array');
  if (!isInt(model.dim, 1, 4096)) fail('model.dim', 'must be an integer in 1..4096');
  if (!Array.isArray(model.hidden) || !model.hidden.every((h) => isInt(h, 1, 4096))) fail('model.hidden', 'must be a list of layer sizes');
  if (model.feedback !== 'rating' && model.feedback !== 'implicit') fail('model.feedback', `is ${JSON.stringify(model.feedback)}; valid: rating, implicit`);
  if (!isFiniteNumber(model.ratingMean)) fail('model.ratingMean', 'must be a finite number');
  if (!isFiniteNumber(model.ratingStd) || model.ratingStd <= 0) fail('model.ratingStd', 'must be a positive number');
  const { ratingMin: min, ratingMax: max } = model;
  if ((min !== undefined || max !== undefined) && !(isFiniteNumber(min) && isFiniteNumber(max) && min <= max)) {
    fail('model.ratingMin/ratingMax', 'must both be finite numbers with min ≤ max');
  }
}

function checkInner(inner: unknown): void {
  if (!isObject(inner)) fail('inner', 'is missing');
  if (!isInt(inner.steps, 0, MAX_INNER_STEPS)) fail('inner.steps', `must be an integer in 0..${MAX_INNER_STEPS}`);
  if (!isFiniteNumber(inner.lr)) fail('inner.lr', 'must be a finite number');
  if (!isInt(inner.maxSupport, 1)) fail('inner.maxSupport', 'must be a positive integer');
  if (!isInt(inner.negativesPerPositive, 0, 1000)) fail('inner.negativesPerPositive', 'must be an integer in 0..1000');
  if (inner.priorCount !== undefined && !(isFiniteNumber(inner.priorCount) && inner.priorCount >= 0)) fail('inner.priorCount', 'must be a finite number ≥ 0');
}

function checkWeights(groups: unknown): void {
  if (!Array.isArray(groups) || groups.length === 0) fail('weightsManifest', 'is missing');
  for (const g of groups) {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) fail('weightsManifest', 'entries need paths and weights');
    for (const w of g.weights as unknown[]) {
      if (!isObject(w) || typeof w.name !== 'string') fail('weightsManifest', 'has a weight without a name');
      if (w.dtype !== 'float32') fail(`weight ${w.name}`, `has dtype ${JSON.stringify(w.dtype)}; valid: float32`);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => isInt(d, 1))) fail(`weight ${w.name}`, 'has an invalid shape');
    }
  }
}

function checkCatalog(catalog: unknown, dim: number): void {
  if (!isObject(catalog) || !Array.isArray(catalog.ids)) fail('catalog.ids', 'is missing');
  const ids = catalog.ids as unknown[];
  if (!ids.every((id) => typeof id === 'string' && id.length > 0)) fail('catalog.ids', 'must all be non-empty strings');
  if (new Set(ids).size !== ids.length) fail('catalog.ids', 'has duplicates');
  const emb = catalog.embeddings;
  if (!isObject(emb) || typeof emb.path !== 'string' || emb.dtype !== 'float32') fail('catalog.embeddings', 'needs a path and dtype float32');
  const [rows, cols] = Array.isArray(emb.shape) ? emb.shape : [];
  if (rows !== ids.length || cols !== dim) fail('catalog.embeddings.shape', 'does not match catalog.ids and model.dim');
}

/**
 * Checks a parsed manifest field by field before anything in it is used, so
 * a bundle from another trainer fails with a BundleError that names the field,
 * never later inside the engine or by freezing the page.
 *
 * @example
 * const manifest = checkManifest(JSON.parse(text)); // throws BundleError 'bundle-malformed' naming the bad field
 */
export function checkManifest(json: unknown): Manifest {
  checkHeader(json);
  if (json.kind === 'intent') fail('kind', 'is "intent": this is an intent-model bundle; load it with createAssistant, not createPersonalizer');
  if (json.kind !== 'recommender') fail('kind', `${JSON.stringify(json.kind)} is not supported; valid: recommender`);
  if (typeof json.version !== 'string' || json.version.length === 0) fail('version', 'must be a non-empty string');
  if (!Array.isArray(json.files)) fail('files', 'is missing');
  checkModel(json.model);
  checkInner(json.inner);
  checkWeights(json.weightsManifest);
  checkCatalog(json.catalog, (json.model as Json).dim as number);
  return json as unknown as Manifest;
}

/** Format name and version: the checks every bundle kind shares. */
function checkHeader(json: unknown): asserts json is Json {
  if (!isObject(json)) fail('', 'is not a JSON object');
  if (json.format !== BUNDLE_FORMAT) fail('format', `is ${JSON.stringify(json.format)}, expected "${BUNDLE_FORMAT}"`);
  if (!isInt(json.formatVersion, 1)) fail('formatVersion', 'must be a positive integer');
  if (json.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      'bundle-unsupported-version',
      `manifest.json: format version ${json.formatVersion} is newer than this attune build reads (${BUNDLE_FORMAT_VERSION}); update attune`,
    );
  }
}

const isRange = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && isInt(v[0], 0, 8) && isInt(v[1], v[0] as number, 8);

function checkIntentModel(model: unknown): void {
  if (!isObject(model) || !isObject(model.featurizer)) fail('model.featurizer', 'is missing');
  const f = model.featurizer;
  if (!isInt(f.buckets, 2, 1 << 22) || ((f.buckets as number) & ((f.buckets as number) - 1)) !== 0) fail('model.featurizer.buckets', 'must be a power of two in 2..4194304');
  if (!isRange(f.wordNgrams)) fail('model.featurizer.wordNgrams', 'must be [lo, hi] with 0 ≤ lo ≤ hi ≤ 8');
  if (!isRange(f.charNgrams)) fail('model.featurizer.charNgrams', 'must be [lo, hi] with 0 ≤ lo ≤ hi ≤ 8');
  if (!isFiniteNumber(f.charWeight) || f.charWeight < 0 || f.charWeight > 1) fail('model.featurizer.charWeight', 'must be a number in [0, 1]');
  if (!isInt(model.rows, 1, f.buckets as number) || ((model.rows as number) & ((model.rows as number) - 1)) !== 0) fail('model.rows', 'must be a power of two ≤ model.featurizer.buckets');
  if (!isInt(model.dim, 1, 1024)) fail('model.dim', 'must be an integer in 1..1024');
  if (!isInt(model.hidden, 1, 4096)) fail('model.hidden', 'must be an integer in 1..4096');
  if (typeof model.prior !== 'boolean') fail('model.prior', 'must be true or false');
}

function checkIntentSeeds(intents: unknown): void {
  if (!Array.isArray(intents)) fail('intents', 'must be an array (possibly empty)');
  const names = new Set<string>();
  for (const it of intents as unknown[]) {
    if (!isObject(it) || typeof it.name !== 'string' || it.name.length === 0) fail('intents', 'entries need a non-empty name');
    if (names.has(it.name as string)) fail('intents', `has "${it.name}" twice`);
    names.add(it.name as string);
    if (!Array.isArray(it.examples) || it.examples.length === 0 || !it.examples.every((e) => typeof e === 'string')) fail(`intents["${it.name}"].examples`, 'must be a non-empty list of strings');
  }
}

/**
 * Checks an intent-model manifest (kind "intent") field by field, like
 * `checkManifest` does for recommender bundles.
 *
 * @example
 * const manifest = checkIntentManifest(await (await fetch('/bundles/faq/manifest.json')).json());
 */
export function checkIntentManifest(json: unknown): IntentManifest {
  checkHeader(json);
  if (json.kind !== 'intent') fail('kind', `is ${JSON.stringify(json.kind)}; createAssistant needs an intent bundle (kind "intent")`);
  if (typeof json.version !== 'string' || json.version.length === 0) fail('version', 'must be a non-empty string');
  if (!Array.isArray(json.files)) fail('files', 'is missing');
  checkIntentModel(json.model);
  const inner = json.inner;
  if (!isObject(inner) || !isInt(inner.steps, 0, MAX_INNER_STEPS) || !isFiniteNumber(inner.lr)) fail('inner', `needs steps (integer 0..${MAX_INNER_STEPS}) and a finite lr`);
  const oos = json.outOfScope;
  if (!isObject(oos) || !isFiniteNumber(oos.threshold) || oos.threshold < 0 || oos.threshold > 1) fail('outOfScope.threshold', 'must be a number in [0, 1]');
  checkWeights(json.weightsManifest);
  checkIntentSeeds(json.intents);
  return json as unknown as IntentManifest;
}
