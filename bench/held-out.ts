/**
 * What the safe-adaptation check (engine/held-out.ts, `heldOutCheck`, on by
 * default) costs and which criterion it should use, measured on visitors the
 * bundle never saw:
 *
 * 1. The demo shop (implicit feedback): fresh visitors simulated from the
 *    same shop as demo/public/bundles/shop (another seed); support = their
 *    first K events, judged on the items they go on to click, cart or buy
 *    (full-catalog Recall@10 and nDCG@10, their support items excluded).
 *    Policies: θ0 only; always adapt; the check judged by held-out loss; the
 *    check judged by held-out ranking (what the SDK ships).
 * 2. MovieLens-100K (ratings), when the data is present: a bundle meta-trained
 *    on the eval harness's meta-train users, test users' first K ratings as
 *    support, MAE on the rest; θ0, always adapt, and the shipped check (loss).
 *
 * Every adapted policy runs the SDK's engine (cpu backend) exactly as a page
 * does; the loss criterion is rebuilt from engine/held-out.ts's parts.
 *
 *   npx tsx bench/held-out.ts [--visitors 300] [--no-movielens]
 *
 * Rewrites the held-out section of docs/benchmarks.md (between the
 * `<!-- held-out:start -->` / `<!-- held-out:end -->` markers).
 */
import { readFileSync } from 'node:fs';
import { writeMarkedSection } from './docs-section.js';
import * as tf from '@tensorflow/tfjs';
import { loadBundle } from '../src/bundle/read.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { fastAdapt } from '../src/engine/fast-head.js';
import { headTensors } from '../src/engine/head.js';
import { lossOn, splitHeldOut } from '../src/engine/held-out.js';
import { buildSupport } from '../src/engine/support.js';
import type { StoredEvent } from '../src/events.js';
import { createRng } from '../src/core/random.js';
import type { Examples } from '../src/models/feedback.js';
import { SHOP_SETTINGS, MOVIELENS_SETTINGS } from '../src/cli/commands/default-bundle.js';
import { synthShop } from '../src/node/synth/shop.js';
import { simulateVisitor } from '../src/node/synth/visitors.js';
import { hasMovielens, loadMovielens } from '../src/node/data/movielens.js';
import { splitUserGroups, userColdStart } from '../src/node/eval/protocols.js';
import { bundleOf, disposeResult, trainOnSplit } from '../src/node/eval/methods.js';
import { loadEncodedBundle, asStoredEvents } from '../src/node/eval/engine-scorer.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const VISITORS = flag('--visitors', 300);
const SHOP_K = [10, 20, 40];
const ML_K = [5, 10, 20];
const started = performance.now();
await tf.setBackend('cpu');

type Policy = 'θ0 only' | 'always adapt' | 'check by held-out loss' | 'check by held-out ranking (shipped)' | 'check by held-out loss (shipped)';

/** θ0, adapted (no check), adapted under the SDK's check, and under the loss criterion rebuilt from held-out.ts. */
async function paramsFor(engine: Engine, support: Examples, policy: Policy, lossCheck: (support: Examples) => boolean): Promise<boolean> {
  await engine.useParams(null);
  if (policy === 'θ0 only') return false;
  if (policy === 'check by held-out loss' && !lossCheck(support)) return false;
  const r = await engine.adapt(support, { heldOut: policy.endsWith('(shipped)') });
  if (!r.applied) await engine.useParams(null);
  return r.applied;
}

async function engineFor(loaded: Awaited<ReturnType<typeof loadBundle>>) {
  const engine = await createEngine(loaded, { backend: ['cpu'] });
  const t = headTensors(loaded);
  const host = { ...t.host, priorCount: loaded.manifest.inner.priorCount ?? 0, loss: loaded.manifest.model.feedback === 'rating' ? ('mse' as const) : ('bce' as const) };
  t.dispose();
  const dim = host.fanIn[0]!;
  const rowsOf = (items: Int32Array): Float32Array => {
    const x = new Float32Array(items.length * dim);
    items.forEach((r, i) => x.set(loaded.embeddings.subarray(r * dim, (r + 1) * dim), i * dim));
    return x;
  };
  // The check as it was first shipped: the held-out slice's loss must not grow at all.
  const lossCheck = (support: Examples): boolean => {
    const split = splitHeldOut(support);
    if (!split) return true;
    const adapted = fastAdapt({ ...host, x: rowsOf(split.train.items), y: split.train.y, w: split.train.w, steps: loaded.manifest.inner.steps }).params;
    return lossOn(host, rowsOf, split.held, adapted) <= lossOn(host, rowsOf, split.held, host.theta0) + 1e-6;
  };
  return { engine, lossCheck };
}

interface Row { policy: Policy; k: number; users: number; adapted: number; a: number; b: number }
const rows: Row[] = [];

// 1. The demo shop.
const dir = new URL('../demo/public/bundles/shop/', import.meta.url);
const serve = async (url: string | URL | Request) => new Response(readFileSync(new URL(String(url).replace(/^file-bundle:\/\//, ''), dir)));
const shopBundle = await loadBundle('file-bundle://', { fetch: serve as typeof fetch }).catch((e: unknown) => {
  throw new Error(`the demo shop bundle is missing: run \`npm run bundle:default\` first (${String(e)})`);
});
{
  const { engine, lossCheck } = await engineFor(shopBundle);
  const m = shopBundle.manifest;
  const rowOf = new Map(m.catalog.ids.map((id, r) => [id, r]));
  const all = m.catalog.ids.map((_, r) => r);
  const shop = synthShop(SHOP_SETTINGS.synth);
  const rng = createRng(4242); // not the shop's seed: visitors the bundle never saw
  const policies: Policy[] = ['θ0 only', 'always adapt', 'check by held-out loss', 'check by held-out ranking (shipped)'];
  const acc = new Map<string, Row>();
  for (let v = 0; v < VISITORS; v++) {
    const events = simulateVisitor(rng, `fresh-${v}`, shop.catalog, Date.UTC(2026, 5, 1) + v * 1e7);
    for (const k of SHOP_K) {
      if (events.length <= k) continue;
      const history = new Set(events.slice(0, k).map((e) => rowOf.get(e.item)!));
      const future = new Set(events.slice(k).filter((e) => e.type !== 'impression').map((e) => rowOf.get(e.item)!).filter((r) => !history.has(r)));
      if (future.size === 0) continue;
      const stored: StoredEvent[] = events.slice(0, k).map((e, i) => ({ id: i + 1, type: e.type, itemId: e.item, timestamp: e.ts, storedAt: e.ts }));
      const support = buildSupport(stored, m, rowOf, history);
      if (!support.y.some((y) => y > 0)) continue;
      for (const policy of policies) {
        const applied = await paramsFor(engine, support, policy, lossCheck);
        const scores = await engine.scoreRows(all);
        const top = all.filter((r) => !history.has(r)).sort((a, b) => scores[b]! - scores[a]!).slice(0, 10);
        const hits: number[] = top.map((r) => (future.has(r) ? 1 : 0));
        const ideal = Array.from({ length: Math.min(10, future.size) }, (_, i) => 1 / Math.log2(i + 2)).reduce((a, b) => a + b, 0);
        const row = acc.get(`${policy}@${k}`) ?? { policy, k, users: 0, adapted: 0, a: 0, b: 0 };
        row.users++;
        row.adapted += applied ? 1 : 0;
        row.a += hits.reduce((s, h) => s + h, 0) / Math.min(10, future.size);
        row.b += hits.reduce((s, h, i) => s + h / Math.log2(i + 2), 0) / ideal;
        acc.set(`${policy}@${k}`, row);
      }
    }
    if (v % 50 === 49) process.stdout.write(`shop visitors ${v + 1}/${VISITORS}\n`);
  }
  rows.push(...[...acc.values()].sort((a, b) => a.k - b.k || policies.indexOf(a.policy) - policies.indexOf(b.policy)));
  engine.dispose();
}

// 2. MovieLens-100K ratings.
const mlRows: Row[] = [];
const withMovielens = !args.includes('--no-movielens') && hasMovielens();
if (withMovielens) {
  const data = loadMovielens();
  const groups = splitUserGroups(data, 1);
  const policies: Policy[] = ['θ0 only', 'always adapt', 'check by held-out loss (shipped)'];
  for (const k of ML_K) {
    const split = userColdStart(data, groups, k);
    const { data: trainData, result } = await trainOnSplit(split, { ...MOVIELENS_SETTINGS.train, holdout: 0 });
    const loaded = await loadEncodedBundle(await bundleOf(trainData, result));
    disposeResult(result);
    const { engine, lossCheck } = await engineFor(loaded);
    const m = loaded.manifest;
    const ids = m.catalog.ids;
    const rowOf = new Map(ids.map((id, r) => [id, r]));
    for (const policy of policies) {
      const row: Row = { policy, k, users: 0, adapted: 0, a: 0, b: 0 };
      for (const user of split.test) {
        const support = buildSupport(asStoredEvents(user.support, ids), m, rowOf, new Set(user.support.map((e) => e.item)));
        row.adapted += (await paramsFor(engine, support, policy, lossCheck)) ? 1 : 0;
        const scores = await engine.scoreRows(user.query.map((e) => e.item));
        const clip = (s: number): number => Math.min(m.model.ratingMax ?? 5, Math.max(m.model.ratingMin ?? 1, s));
        row.a += user.query.reduce((s, e, i) => s + Math.abs(clip(scores[i]!) - (e.value as number)), 0) / user.query.length;
        row.users++;
      }
      mlRows.push(row);
    }
    engine.dispose();
    process.stdout.write(`movielens K=${k} done\n`);
  }
}

const seconds = (performance.now() - started) / 1000;
const pct = (r: Row): string => `${r.adapted}/${r.users} (${((100 * r.adapted) / r.users).toFixed(0)}%)`;
const shopTable = [
  '| support | policy | visitors | adaptations used | Recall@10 | nDCG@10 |',
  '|---|---|---:|---:|---:|---:|',
  ...rows.map((r) => `| first ${r.k} events | ${r.policy} | ${r.users} | ${pct(r)} | ${(r.a / r.users).toFixed(4)} | ${(r.b / r.users).toFixed(4)} |`),
];
const mlTable = [
  '| support | policy | test users | adaptations used | MAE |',
  '|---|---|---:|---:|---:|',
  ...mlRows.map((r) => `| first ${r.k} ratings | ${r.policy} | ${r.users} | ${pct(r)} | ${(r.a / r.users).toFixed(4)} |`),
];
const body = [
  `Command: \`npx tsx bench/held-out.ts\` (${seconds.toFixed(0)} s here, cpu backend, the SDK's engine). ${VISITORS} fresh visitors simulated from the demo shop with a seed the bundle never saw; support = their first K events, judged on the items they later click, cart or buy (full catalog, support items excluded).`,
  '',
  ...shopTable,
  '',
  withMovielens
    ? `MovieLens-100K: a bundle meta-trained per K with the demo's MovieLens settings on the eval harness's meta-train users (seed 1), its ${mlRows[0]?.users ?? 0} test users' first K ratings as support, MAE on the rest:`
    : 'MovieLens-100K: not measured (data not found or `--no-movielens`).',
  '',
  ...(withMovielens ? mlTable : []),
].join('\n');
process.stdout.write(`\n${body}\n`);
writeMarkedSection(new URL('../docs/benchmarks.md', import.meta.url), 'held-out', body, '## Safe adaptation: what the held-out check costs (issue 6)');
