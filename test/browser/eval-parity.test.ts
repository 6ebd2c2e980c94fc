/**
 * `attune eval` judges attune's methods through the SDK's own engine in Node
 * (src/node/eval/engine-scorer.ts). This test checks that claim where it
 * matters: for a few ML-100K test users, the scores Node computes after
 * adapting to the user's support ratings equal the scores the built SDK
 * computes in headless Chromium (wasm backend, worker mode, visitor events
 * tracked through the public API) for the same bundle and the same ratings.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, requireBuild, ROOT, SDK_MOUNTS, startServer, type StaticServer } from './harness.js';
import { ML_DIR, movielensAvailable } from './movielens.js';
import { openSdkPage } from './sdk-page.js';
import { loadMovielens } from '../../src/node/data/movielens.js';
import { engineScorer } from '../../src/node/eval/engine-scorer.js';
import { bundleOf, disposeResult, trainOnSplit } from '../../src/node/eval/methods.js';
import { splitUserGroups, userColdStart } from '../../src/node/eval/protocols.js';

const BUNDLE_DIR = join(ROOT, '.cache/browser-eval-bundle');
const USERS = 6;
const K = 5;

interface Case {
  readonly support: { itemId: string; value: number; ts: number }[];
  readonly query: string[];
  readonly node: number[];
}

const hasData = movielensAvailable();
let server: StaticServer;
let browser: Browser;
let cases: Case[] = [];

beforeAll(async () => {
  if (!hasData) return;
  requireBuild();
  const data = loadMovielens(ML_DIR);
  const split = userColdStart(data, splitUserGroups(data, 1), K);
  // A short Meta-SGD run: per-parameter learned rates exercise the most of the engine's inner loop.
  const { data: trainData, result } = await trainOnSplit(split, { algorithm: 'metasgd', iterations: 8, priorCount: 2 });
  const bundle = await bundleOf(trainData, result);
  disposeResult(result);
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(BUNDLE_DIR, { recursive: true });
  for (const [path, bytes] of bundle.files) writeFileSync(join(BUNDLE_DIR, path), bytes);
  const scorer = await engineScorer(bundle, { name: 'metasgd', family: 'meta', adapt: true });
  const ids = data.items.map((it) => it.id);
  for (const user of split.test.slice(0, USERS)) {
    const scores = await scorer.score(user.support);
    const query = [...new Set(user.query.map((e) => e.item))];
    cases.push({
      support: user.support.map((e) => ({ itemId: ids[e.item] as string, value: e.value as number, ts: e.ts })),
      query: query.map((row) => ids[row] as string),
      node: query.map((row) => scores[row] as number),
    });
  }
  scorer.dispose();
  server = await startServer({ ...SDK_MOUNTS, '/bundles/eval/': BUNDLE_DIR });
  browser = await launchChromium('nogpu');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!hasData)('eval parity: Node engine vs the SDK in Chromium', () => {
  it('adapt + score give the same numbers for the same bundle and ratings', async () => {
    const session = await openSdkPage(browser, server.origin);
    const { backend } = await session.page.evaluate(() => window.h.create({ bundle: '/bundles/eval/', backend: 'wasm', storage: 'memory' }));
    expect(backend).toBe('wasm');
    let worst = 0;
    for (const c of cases) {
      const browserScores = await session.page.evaluate(async ({ support, query }) => {
        const p = window.h.p;
        await p.forget();
        // Same order and gaps, moved to the last minutes (retention drops events a year old).
        const shift = Date.now() - 60_000 - (support[support.length - 1]?.ts ?? 0);
        for (const e of support) await p.track({ type: 'rating', itemId: e.itemId, value: e.value, timestamp: e.ts + shift });
        const ranked = await p.rank(query);
        const byId = new Map(ranked.map((r) => [r.itemId, r.score]));
        return query.map((id) => byId.get(id) ?? Number.NaN);
      }, c);
      c.node.forEach((expected, i) => {
        const got = browserScores[i] as number;
        worst = Math.max(worst, Math.abs(got - expected));
        expect(got, `user case, item ${c.query[i]}`).toBeCloseTo(expected, 3);
      });
    }
    console.log(`[eval-parity] ${cases.length} users, ${cases.reduce((n, c) => n + c.query.length, 0)} query items, backend ${backend}: largest |Node − Chromium| = ${worst.toExponential(2)}`);
    await session.page.evaluate(() => window.h.p.dispose());
    session.guard.check();
    await session.close();
    expect(cases.length).toBe(USERS);
  });
});
