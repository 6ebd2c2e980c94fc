import { ALGORITHMS } from '../../meta/registry.js';
import { loadBanking77, loadClinc150, type IntentSplit } from '../../node/intents/data.js';
import { INTENT_ENCODER } from '../../node/intents/run-eval.js';
import { SHOP_FAQ, SHOP_OOS } from '../../node/intents/shop-faq.js';
import { trainIntentBundle, type CalibrationData } from '../../node/intents/train-bundle.js';
import { parseFlags, UsageError, type FlagSpec } from '../args.js';
import { checkOutDir } from './common.js';

export const TRAIN_INTENTS_FLAGS: Record<string, FlagSpec> = {
  source: { type: 'string', choices: ['clinc150', 'banking77', 'shop-faq'], help: 'what to meta-train on (default clinc150)' },
  algo: { type: 'string', choices: ALGORITHMS.filter((a) => a === 'fomaml' || a === 'maml' || a === 'reptile'), help: 'outer loop (default fomaml)' },
  iterations: { type: 'number', integer: true, min: 0, help: 'meta-training episodes batches (default 150)' },
  ways: { type: 'number', integer: true, min: 2, help: 'intents per episode (default 30)' },
  shots: { type: 'number', integer: true, min: 1, help: 'support examples per intent (default 5)' },
  'inner-steps': { type: 'number', integer: true, min: 0, help: 'head refinement steps, shipped in the bundle (default 10)' },
  'inner-lr': { type: 'number', min: 0, help: 'head refinement rate (default 0.02; logits scale by ≈ 10, so steps move them by lr·100)' },
  seed: { type: 'number', integer: true, help: 'random seed (default 1)' },
  out: { type: 'string', help: 'bundle output folder (required)' },
};

/** Training split and calibration data for a named source. */
export function intentSource(source: string): { train: IntentSplit; calibration: CalibrationData; intents?: { name: string; examples: string[] }[] } {
  if (source === 'clinc150') {
    const c = loadClinc150() as Record<string, IntentSplit>;
    return { train: c.train as IntentSplit, calibration: { valid: c.val as IntentSplit, oos: (c.oos_val as IntentSplit).texts } };
  }
  if (source === 'banking77') {
    // BANKING77 has no out-of-scope questions; CLINC150's (other domains) stand in for them.
    const b = loadBanking77() as Record<string, IntentSplit>;
    const c = loadClinc150() as Record<string, IntentSplit>;
    const t = b.train as IntentSplit;
    const part = (keep: (i: number) => boolean): IntentSplit => ({ texts: t.texts.filter((_, i) => keep(i)), labels: t.labels.filter((_, i) => keep(i)) });
    // Every 10th training question calibrates; the test split stays untouched.
    return { train: part((i) => i % 10 !== 0), calibration: { valid: part((i) => i % 10 === 0), oos: (c.oos_val as IntentSplit).texts } };
  }
  return {
    train: { texts: SHOP_FAQ.flatMap((i) => i.examples), labels: SHOP_FAQ.flatMap((i) => i.examples.map(() => i.name)) },
    calibration: { valid: { texts: SHOP_FAQ.flatMap((i) => i.valid), labels: SHOP_FAQ.flatMap((i) => i.valid.map(() => i.name)) }, oos: SHOP_OOS },
    intents: SHOP_FAQ.map((i) => ({ name: i.name, examples: [...i.examples] })),
  };
}

/** `attune train-intents`: meta-train the intent encoder and write an intent bundle. */
export async function trainIntentsCommand(argv: readonly string[]): Promise<void> {
  const f = parseFlags('train-intents', argv, TRAIN_INTENTS_FLAGS);
  if (typeof f.out !== 'string') throw new UsageError('attune train-intents needs --out DIR');
  checkOutDir(f.out);
  const source = (f.source as string | undefined) ?? 'clinc150';
  const { train, calibration, intents } = intentSource(source);
  const started = Date.now();
  const manifest = await trainIntentBundle(f.out, train, calibration, {
    config: INTENT_ENCODER,
    algorithm: ((f.algo as string | undefined) ?? 'fomaml') as 'fomaml',
    iterations: (f.iterations as number | undefined) ?? 150,
    shape: { ways: (f.ways as number | undefined) ?? 30, shots: (f.shots as number | undefined) ?? 5, queries: 5, prior: true },
    innerSteps: (f['inner-steps'] as number | undefined) ?? 10,
    innerLr: (f['inner-lr'] as number | undefined) ?? 0.02,
    seed: (f.seed as number | undefined) ?? 1,
    ...(intents ? { intents } : {}),
    training: { source },
    onProgress: (p) => {
      if (p.iteration % 10 === 0 || p.iteration === p.iterations) process.stderr.write(`train-intents ${p.iteration}/${p.iterations} · loss ${p.loss.toFixed(4)}\n`);
    },
  });
  process.stdout.write(`wrote intent bundle ${f.out} (version ${manifest.version}, threshold ${manifest.outOfScope.threshold.toFixed(3)}, ${Math.round((Date.now() - started) / 1000)} s)\n`);
}
