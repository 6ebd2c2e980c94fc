import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AttuneError } from '../errors.js';
import { describeFlags, UsageError } from './args.js';
import { DEFAULT_BUNDLE_FLAGS, defaultBundleCommand } from './commands/default-bundle.js';
import { EVAL_FLAGS, evalCommand } from './commands/eval.js';
import { SYNTH_FLAGS, synthCommand } from './commands/synth.js';
import { TRAIN_FLAGS, trainCommand } from './commands/train.js';
import { INTENT_EVAL_FLAGS, intentEvalCommand } from './commands/eval-intents.js';
import { TRAIN_INTENTS_FLAGS, trainIntentsCommand } from './commands/intents.js';

const COMMANDS = {
  synth: { run: synthCommand, flags: SYNTH_FLAGS, about: 'generate a seeded synthetic shop (items.csv, interactions.csv, catalog.json)' },
  train: { run: trainCommand, flags: TRAIN_FLAGS, about: 'meta-train the recommender on a dataset and write a bundle' },
  eval: { run: evalCommand, flags: EVAL_FLAGS, about: 'cold-start evaluation: meta-learned methods vs baselines, with 95% intervals (JSON, markdown, SVG)' },
  'train-intents': { run: trainIntentsCommand, flags: TRAIN_INTENTS_FLAGS, about: 'meta-train the few-shot intent encoder (Q&A) and write an intent bundle' },
  'eval-intents': { run: intentEvalCommand, flags: INTENT_EVAL_FLAGS, about: 'few-shot intent evaluation: CLINC150 → BANKING77 with baselines (same as eval --task intents)' },
  'default-bundle': { run: defaultBundleCommand, flags: DEFAULT_BUNDLE_FLAGS, about: "build the demo's bundle (skipped when up to date)" },
} as const;

const EXAMPLES = `examples:
  attune synth --out .cache/shop --seed 7
  attune train --data .cache/shop --format csv --feedback implicit --out out/shop-bundle
  attune train --format movielens --iterations 150 --out out/ml-bundle --catalog-json out/ml-catalog.json
  attune eval --format movielens --out eval-out/ml-100k
  attune eval --format taobao --methods popularity,cooccurrence,reptile
  attune default-bundle --force`;

export function helpText(): string {
  const sections = Object.entries(COMMANDS).map(([name, c]) => `attune ${name}: ${c.about}\n${describeFlags(c.flags)}`);
  return `usage: attune <command> [flags]\n\n${sections.join('\n\n')}\n\nattune help: this text\n\n${EXAMPLES}\n`;
}

/** Runs one CLI command; resolves to the process exit code (errors are printed, not thrown). */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(helpText());
      return 0;
    }
    const command = COMMANDS[name as keyof typeof COMMANDS];
    if (!command) throw new UsageError(`unknown command "${name}"; valid commands: ${[...Object.keys(COMMANDS), 'help'].join(', ')}`);
    await command.run(rest);
    return 0;
  } catch (error) {
    const hint = error instanceof UsageError ? ' (attune help lists commands and flags)' : '';
    process.stderr.write(`attune: ${error instanceof AttuneError ? error.message : String(error instanceof Error ? error.stack : error)}${hint}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function isEntry(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) process.exitCode = await main();
