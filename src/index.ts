// The SDK: one async factory, one small object with dispose()
export { createPersonalizer } from './personalizer.js';
export type { Personalizer, PersonalizerEvents, PersonalizerOptions, PersonalizerStats, Recommendation } from './personalizer.js';
export type { StoredEvent, TrackEvent } from './events.js';
export { RECENCY_HALF_LIFE_DAYS } from './explain.js';
export type { Evidence, Explanation, ExplainOptions } from './explain.js';
export type { AdaptationInfo, Retention, StorageKind } from './store/types.js';
export { VISITOR_DATA_FORMAT, VISITOR_DATA_FORMAT_VERSION } from './store/export.js';
export type { VisitorData } from './store/export.js';

// Events the SDK understands
export { EVENT_TYPES, EVENT_WEIGHTS } from './models/feedback.js';
export type { EventType } from './models/feedback.js';

// Backends
export { BACKEND_NAMES } from './engine/backends.js';
export type { BackendAttempt, BackendName, BackendPreference } from './engine/backends.js';
export type { WasmPaths } from './engine/wasm-paths.js';
export type { PersonalizerDiagnostics } from './personalizer.js';
export type { PersonalizerProgress, ReadyProgress } from './personalizer.js';
export type { WarmUpProgress } from './engine/auto.js';
export type { BackendChoice, BackendMeasurement, EngineMemory } from './engine/engine.js';
export type { EngineMode } from './worker/start.js';

// Errors: every rejection and `error` event is an AttuneError with a stable `code`
export { AttuneError, BackendError, BundleError, DisposedError, InvalidInputError, StorageError } from './errors.js';
export type { BundleErrorCode } from './errors.js';

// Bundle format v1: read and verify
export { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION } from './bundle/format.js';
export type { BundleFileEntry, InnerLoopSettings, Manifest, RecommenderManifest, WeightEntry, WeightsGroup } from './bundle/format.js';
export { checkManifest, MAX_INNER_STEPS } from './bundle/check.js';
export { bundleUrl, loadBundle } from './bundle/read.js';
export type { BundleProgress, LoadBundleOptions, LoadedBundle } from './bundle/read.js';
export { decodeWeights, encodeWeights, sha256Hex } from './bundle/codec.js';

// Storage: IndexedDB or memory, one contract
export { createIdbStore } from './store/idb.js';
export type { IdbStoreOptions } from './store/idb.js';
export { createMemoryStore } from './store/memory.js';
export type { AdaptedRecord, AdaptedStore, EventStore, Store, StoreOptions } from './store/types.js';

// Functional core and the recommender model (shared with the trainer)
export { adapt, evaluateLoss } from './core/adapt.js';
export type { AdaptOptions } from './core/adapt.js';
export { bceWithLogits, lossByName, mse } from './core/losses.js';
export type { Batch, Loss, Model } from './core/model.js';
export { checkParams, cloneParams, disposeParams, initParams } from './core/params.js';
export type { ParamSpec, Params } from './core/params.js';
export { createRecommender, encodeItemFeatures, featureWidth } from './models/recommender.js';
export type { FeatureSpec, Feedback, ItemFeatures, ItemInput, Recommender, RecommenderConfig } from './models/recommender.js';
export { toExamples } from './models/feedback.js';
export type { Examples, ExampleOptions, Interaction } from './models/feedback.js';

// The on-device Q&A assistant (few-shot intents) and its text featurizer
export { createAssistant } from './assistant.js';
export type { Answer, Assistant, AssistantData, AssistantOptions } from './assistant.js';
export type { IntentExample } from './assistant/store.js';
export { checkIntentManifest } from './bundle/check.js';
export { IDF_WEIGHT, loadIntentBundle } from './bundle/read.js';
export type { LoadedIntentBundle } from './bundle/read.js';
export type { AnyManifest, IntentManifest, IntentSeed } from './bundle/format.js';
export { computeIdf, featurize, normalizeText, tokenize, DEFAULT_FEATURIZER } from './text/index.js';
export type { SparseText, TextFeaturizerConfig } from './text/index.js';
