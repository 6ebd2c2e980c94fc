// The outer loops (meta-learning algorithms) and their shared pieces.
export type { InnerLoop, MetaStep, Task } from './types.js';
export { mamlStep, mamlOuterLoss } from './maml.js';
export { fomamlStep } from './fomaml.js';
export { reptileStep } from './reptile.js';
export { metaSgdStep, initMetaSgdLrs, joinMetaSgd, splitMetaSgd, type MetaSgdParams } from './meta-sgd.js';
export { anilStep, type AnilOptions } from './anil.js';
export { meanOverTasks, queryLoss, type TaskContribution } from './accumulate.js';
export { verifyMetaGradient, MetaGradientError, type VerifyOptions } from './verify.js';

// Registry and the generic outer loop.
export { ALGORITHMS, algorithmByName, metaSteps, type AlgorithmName, type MetaStepFn } from './registry.js';
export { metaTrain, type MetaTrainOptions, type MetaTrainProgress, type MetaTrainResult } from './train.js';
