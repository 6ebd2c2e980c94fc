/**
 * How much slack the safe-adaptation check should give rating bundles
 * (engine/held-out.ts, HELDOUT_LOSS_SLACK), measured on MovieLens-100K with
 * the evaluation harness's own split and its Meta-SGD settings
 * (`attune eval --format movielens`, seed 1, 150 meta-iterations), and with
 * the settings of the demo's MovieLens bundle (first-order MAML).
 *
 * For every validation and test user the SDK's engine (cpu backend) adapts
 * on the support set once, with the check measuring the held-out slice; each
 * policy then scores with the adapted params or with θ0 according to its
 * own rule: the strict check (slack 0), slack 0.25 / 0.5 / 1, and no check.
 * The slack is chosen on the validation users; the test users are reported
 * beside them.
 *
 *   npx tsx bench/held-out-ratings.ts
 *
 * Rewrites the section of docs/benchmarks.md between
 * `<!-- held-out-ratings:start -->` and `<!-- held-out-ratings:end -->`.
 */
import { writeMarkedSection } from './docs-section.js';
import * as tf from '@tensorflow/tfjs';
import { buildSupport } from '../src/engine/support.js';
import { HELDOUT_LOSS_SLACK } from '../src/engine/held-out.js';
import { hasMovielens, loadMovielens, movielensDir } from '../src/node/data/movielens.js';
import { summarizeMetrics } from '../src/node/eval/bootstrap.js';
import { asStoredEvents, engineScorer, loadEncodedBundle } from '../src/node/eval/engine-scorer.js';
import { bundleOf, disposeResult, trainOnSplit } from '../src/node/eval/methods.js';
import { meluProtocol, splitUserGroups, userColdStart } from '../src/node/eval/protocols.js';
import { RATING_TRAIN_DEFAULTS, userMetrics } from '../src/node/eval/run.js';
import { MOVIELENS_SETTINGS } from '../src/cli/commands/default-bundle.js';
import type { EvalSplit, EvalUser, UserMetrics } from '../src/node/eval/types.js';

if (!hasMovielens()) {
  console.error(`MovieLens-100K not found in ${movielensDir()}: set ATTUNE_DATA to the folder holding ml-100k (see ../shared/data/README.md).`);
  process.exit(1);
}
const started = performance.now();
await tf.setBackend('cpu');
const SLACKS = [0, 0.25, 0.5, 1, Infinity];
const label = (s: number): string => (s === Infinity ? 'no check' : `slack ${s}${s === HELDOUT_LOSS_SLACK ? ' (shipped)' : ''}`);

const data = loadMovielens();
const groups = splitUserGroups(data, 1);
const base = userColdStart(data, groups, 1);
const splits: EvalSplit[] = [
  ...[10, 20].map((k) => ({ ...userColdStart(data, groups, k, 20), train: base.train })),
  { ...meluProtocol(data, groups, 1), train: base.train },
];
const BUNDLES = [
  { name: 'Meta-SGD (attune eval)', train: { ...RATING_TRAIN_DEFAULTS, algorithm: 'metasgd', iterations: 150, seed: 1 } },
  { name: 'first-order MAML (demo MovieLens bundle settings)', train: { ...MOVIELENS_SETTINGS.train, holdout: 0 } },
];
const lines: string[] = [`| bundle | protocol | users | judged | refused at slack 0 | ${SLACKS.map(label).join(' | ')} |`, `|---|---|---:|---:|---:|${SLACKS.map(() => '---:').join('|')}|`];
for (const b of BUNDLES) {
  const { data: trainData, result } = await trainOnSplit(splits[0]!, b.train);
  const bundle = await bundleOf(trainData, result);
  disposeResult(result);
  const { manifest } = await loadEncodedBundle(bundle);
  const scorer = await engineScorer(bundle, { name: b.name, family: 'meta', adapt: false });
  const { engine } = scorer;
  const ids = manifest.catalog.ids;
  const rowOf = new Map(ids.map((id, r) => [id, r]));
  const all = Array.from(ids, (_, r) => r);
  for (const split of splits) {
    for (const part of ['validation', 'test'] as const) {
      const users: readonly EvalUser[] = split[part];
      const per = SLACKS.map((): UserMetrics[] => []);
      let judged = 0;
      let strictRefusals = 0;
      for (const u of users) {
        await engine.useParams(null);
        const ordered = [...u.support].sort((a, c) => a.ts - c.ts);
        const recent = ordered.slice(-manifest.inner.maxSupport);
        const support = buildSupport(asStoredEvents(recent, ids), manifest, rowOf, new Set(ordered.map((e) => e.item)));
        const r = await engine.adapt(support, { heldOut: true });
        const converged = r.applied || r.heldOut !== undefined; // refused by the check, not by the divergence guard
        await engine.useParams(null);
        const theta0 = Float32Array.from(await engine.scoreRows(all));
        await engine.useParams(r.params);
        const adapted = Float32Array.from(await engine.scoreRows(all));
        const check = r.heldOut;
        if (check) (judged++, check.after > check.before + 1e-6 && strictRefusals++);
        SLACKS.forEach((slack, i) => {
          const passes = !check || (Number.isFinite(check.after) && check.after <= check.before * (1 + slack) + 1e-6);
          per[i]!.push(userMetrics(converged && passes ? adapted : theta0, u, true));
        });
      }
      const maes = per.map((m) => summarizeMetrics(m, { seed: 1 }).mae!.mean);
      const best = Math.min(...maes);
      const cells = maes.map((m) => (m === best ? `**${m.toFixed(4)}**` : m.toFixed(4)));
      lines.push(`| ${b.name} | ${split.protocol}${split.k ? ` K=${split.k}` : ''}, ${part} | ${users.length} | ${judged} | ${strictRefusals} | ${cells.join(' | ')} |`);
      process.stdout.write(`${lines.at(-1)}\n`);
    }
  }
  scorer.dispose();
}

const seconds = (performance.now() - started) / 1000;
const body = [
  `Command: \`npx tsx bench/held-out-ratings.ts\` (${seconds.toFixed(0)} s here, cpu backend, the SDK's engine). Two bundles meta-trained on the evaluation's meta-train users (seed 1): Meta-SGD as \`attune eval --format movielens\` trains it (150 meta-iterations), and first-order MAML with the settings of the demo's MovieLens bundle (a larger fixed inner rate); each user's support adapted once, then scored with the adapted params or θ0 by each policy's rule. MAE of the query ratings (lower is better, best per row in bold); the check only judges support sets of 8 or more ratings.`,
  '',
  ...lines,
].join('\n');
process.stdout.write(`\n${body}\n`);
writeMarkedSection(new URL('../docs/benchmarks.md', import.meta.url), 'held-out-ratings', body, '### Safe adaptation for ratings: how much slack (issue 4)');
