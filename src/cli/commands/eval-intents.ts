import { writeFileSync } from 'node:fs';
import { ALGORITHMS } from '../../meta/registry.js';
import { hasIntentData, intentDataHint } from '../../node/intents/data.js';
import { evaluateIntents } from '../../node/intents/run-eval.js';
import { parseFlags, UsageError, type FlagSpec } from '../args.js';

export const INTENT_EVAL_FLAGS: Record<string, FlagSpec> = {
  iterations: { type: 'number', integer: true, min: 0, help: 'meta-training (and supervised pretraining) steps (default 150)' },
  draws: { type: 'number', integer: true, min: 1, help: 'random K-per-intent support draws (default 5)' },
  algo: { type: 'string', choices: ALGORITHMS.filter((a) => a === 'fomaml' || a === 'maml' || a === 'reptile'), help: 'outer loop (default fomaml)' },
  seed: { type: 'number', integer: true, help: 'random seed (default 1)' },
  'test-stride': { type: 'number', integer: true, min: 1, help: 'keep every n-th test question (default 1: all 3,080)' },
  'no-within': { type: 'boolean', help: 'skip the within-BANKING77 split' },
  'no-clinc': { type: 'boolean', help: 'skip CLINC150 out-of-scope detection' },
  json: { type: 'string', help: 'also write the full report (every draw) as JSON here' },
};

/**
 * `attune eval --task intents [flags]` (the lead routes it here with the
 * flags after `--task intents`): meta-trains on CLINC150, evaluates few-shot
 * adaptation to BANKING77 against the baselines, prints a markdown report.
 */
export async function intentEvalCommand(argv: readonly string[]): Promise<void> {
  const f = parseFlags('eval --task intents', argv, INTENT_EVAL_FLAGS);
  if (!hasIntentData()) throw new UsageError(intentDataHint());
  const started = Date.now();
  const report = await evaluateIntents({
    iterations: (f.iterations as number | undefined) ?? 150,
    draws: (f.draws as number | undefined) ?? 5,
    seed: (f.seed as number | undefined) ?? 1,
    algorithm: ((f.algo as string | undefined) ?? 'fomaml') as 'fomaml',
    testStride: (f['test-stride'] as number | undefined) ?? 1,
    withinDomain: f['no-within'] !== true,
    clinc: f['no-clinc'] !== true,
    log: (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write(`${report.markdown}\n\n(${Math.round((Date.now() - started) / 1000)} s)\n`);
  if (typeof f.json === 'string') writeFileSync(f.json, JSON.stringify({ ...report, markdown: undefined }, null, 1) + '\n');
}
