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
export type { TrainOptions, TrainProgress } from './node/train/options.js';
export { TRAIN_ALGORITHMS, selectAlgorithm } from './node/train/algorithms.js';
export { evaluateHead, type HeldOutMetrics, type HeadEvalOptions } from './node/train/evaluate.js';
export { ndcgAt } from './node/train/metrics.js';
export { splitUser, type SplitOptions, type UserSplit } from './node/train/tasks.js';
export { trainingModel } from './node/train/training-model.js';
export { writeTrainedBundle } from './node/train/save.js';

// Bundles
export { writeBundle, catalogEmbeddings, type BundleInput } from './bundle/write.js';
