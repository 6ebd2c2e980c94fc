/**
 * attune's Node-only entry: data loaders, the synthetic shop, meta-training
 * and the bundle writer. Never imported by the browser build.
 */

// Datasets
export type { Dataset, DatasetItem, DatasetInteraction, DatasetUser } from './node/data/dataset.js';
export { groupByUser, summarizeDataset } from './node/data/dataset.js';
export { DataError } from './node/data/errors.js';
export { parseCsv, type CsvRecord, type CsvTable } from './node/data/csv.js';
export { deriveFeatures, type FeatureColumn, type FeatureKind } from './node/data/features.js';
export { loadCsvDataset, csvFilesIn, type CsvFiles, type LoadCsvOptions } from './node/data/generic.js';
export { loadMovielens, hasMovielens, movielensDir, ML_GENRES } from './node/data/movielens.js';
export { dataRoot, repoRoot } from './node/paths.js';

// Synthetic shop
export { synthShop, synthDefaults, writeShop, type SynthOptions, type SynthShop } from './node/synth/shop.js';
export type { Product } from './node/synth/catalog.js';
export type { SynthEvent } from './node/synth/visitors.js';

// The meta-learning library: five outer loops over one inner loop, and the generic trainer
export * from './meta/index.js';
export { ACTIVATION_NAMES, activationByName, activations, stopGradient, type ActivationName } from './core/activations.js';
export { LOSS_NAMES, softmaxCrossEntropy } from './core/losses.js';
export { adam, sgd, optimizerByName, OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from './core/optim.js';

// Meta-training the recommender
export { trainRecommender, type TrainResult } from './node/train/train-recommender.js';
export { TrainingDivergedError } from './node/train/errors.js';
export type { TrainOptions, TrainProgress } from './node/train/options.js';
export { TRAIN_ALGORITHMS, selectAlgorithm } from './node/train/algorithms.js';
export { evaluateHead, type HeldOutMetrics, type HeadEvalOptions } from './node/train/evaluate.js';
export { ndcgAt } from './node/train/metrics.js';
export { splitUser, type SplitOptions, type UserSplit } from './node/train/tasks.js';
export { trainingModel } from './node/train/training-model.js';
export { writeTrainedBundle } from './node/train/save.js';

// Bundles
export { writeBundle, catalogEmbeddings, type BundleInput } from './bundle/write.js';

// Cold-start evaluation (`attune eval`): protocols, baselines, metrics, reports
export { evaluate, availableMethods, PROTOCOLS, GLOBAL_METHODS, type EvalOptions, type EvalProgress, type EvalReport, type ProtocolName } from './node/eval/run.js';
export { splitUserGroups, userColdStart, meluProtocol, itemColdStart, newItemsByTime, DEFAULT_KS, type UserGroups } from './node/eval/protocols.js';
export { META_METHODS, trainOnSplit, bundleOf } from './node/eval/methods.js';
export { engineScorer, loadEncodedBundle } from './node/eval/engine-scorer.js';
export { BASELINES, RATING_BASELINES, type BaselineName, type TunedScorer } from './node/eval/baselines/index.js';
export { ratingMetrics, rankingMetrics } from './node/eval/metrics.js';
export { bootstrapInterval, pairedDifference, summarizeMetrics } from './node/eval/bootstrap.js';
export { writeReport, markdownTable } from './node/eval/report.js';
export type { EvalSplit, EvalUser, Interval, MethodResult, MetricName, PairedDifference, Scorer, UserMetrics } from './node/eval/types.js';
export { loadTaobao, hasTaobao, taobaoDir } from './node/data/taobao.js';
export { compactDataset, type CompactOptions } from './node/data/compact.js';
export { encodeBundle, type EncodedBundle } from './bundle/write.js';
export { pretrainStep } from './meta/pretrain.js';

// Few-shot intents (Q&A): data loaders, episodic meta-training, evaluation, the intent bundle writer
export { loadBanking77, loadBanking77Fewshot, loadClinc150, loadLineSplit, hasIntentData, intentDataHint, OOS_LABEL, type IntentCorpus, type IntentSplit } from './node/intents/data.js';
export { metaTrainIntents, type IntentMetaTrainOptions } from './node/intents/meta-train.js';
export { pretrainIntents, type PretrainOptions } from './node/intents/pretrain.js';
export { createEpisodeModel, episodePool, sampleEpisode, disposeEpisode, type EpisodeInput, type EpisodePool, type EpisodeShape } from './node/intents/episodes.js';
export { fewShotClassify, drawSupport, meanInterval, type FewShotOptions, type FewShotResult } from './node/intents/evaluate.js';
export { nearestCentroid, logisticRegression, type SparseClassifier } from './node/intents/sparse-baselines.js';
export { calibrateThreshold } from './node/intents/calibrate.js';
export { evaluateIntents, INTENT_ENCODER, type IntentEvalOptions, type IntentEvalReport } from './node/intents/run-eval.js';
export { trainIntentBundle, trainIntentEncoder, type IntentTrainOptions } from './node/intents/train-bundle.js';
export { writeIntentBundle, type IntentBundleInput } from './node/intents/bundle.js';
export { SHOP_FAQ, SHOP_OOS, type FaqIntent } from './node/intents/shop-faq.js';
export { encode, encoderSpecs, initEncoder, toSparseBatch, type IntentEncoderConfig, type SparseBatch } from './models/intent.js';
