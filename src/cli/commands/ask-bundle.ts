import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IntentEncoderConfig } from '../../models/intent.js';
import { SHOP_FAQ, SHOP_OOS } from '../../node/intents/shop-faq.js';
import { trainIntentBundle } from '../../node/intents/train-bundle.js';
import { intentSource } from './intents.js';

/**
 * The demo's "Ask us" bundle: a small encoder meta-trained on the shop's own
 * FAQ (written for the demo, in the repo), so it builds in seconds on a fresh
 * clone without any downloaded data.
 */
export const ASK_SETTINGS = {
  config: { featurizer: { buckets: 1 << 12, wordNgrams: [1, 2], charNgrams: [3, 5], charWeight: 0.5 }, rows: 1024, dim: 32, hidden: 64 } satisfies IntentEncoderConfig,
  train: { algorithm: 'fomaml', iterations: 40, shape: { ways: 6, shots: 3, queries: 3, prior: true }, innerSteps: 10, innerLr: 0.02, seed: 7 },
} as const;

/** Builds demo/public/bundles/ask and demo/public/ask/faq.json (the answers), unless up to date. */
export async function buildAskBundle(root: string, force: boolean, settingsHash: (s: unknown) => Promise<string>): Promise<void> {
  const out = join(root, 'demo/public/bundles/ask');
  const faqJson = join(root, 'demo/public/ask/faq.json');
  const hash = await settingsHash({ ask: ASK_SETTINGS, faq: SHOP_FAQ, oos: SHOP_OOS, generator: 'attune-ask-bundle/3' });
  const manifest = join(out, 'manifest.json');
  if (!force && [manifest, join(out, 'weights.bin'), faqJson].every(existsSync)) {
    try {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { training?: { settingsHash?: string } }).training?.settingsHash === hash) {
        return void process.stdout.write(`ask bundle is up to date (${out})\n`);
      }
    } catch {
      // unreadable manifest: rebuild
    }
  }
  const { train, calibration, intents } = intentSource('shop-faq');
  const t = ASK_SETTINGS.train;
  await trainIntentBundle(out, train, calibration, {
    config: ASK_SETTINGS.config,
    algorithm: t.algorithm,
    iterations: t.iterations,
    shape: t.shape,
    innerSteps: t.innerSteps,
    innerLr: t.innerLr,
    seed: t.seed,
    ...(intents ? { intents } : {}),
    training: { source: 'shop-faq', settingsHash: hash },
  });
  mkdirSync(join(root, 'demo/public/ask'), { recursive: true });
  writeFileSync(faqJson, JSON.stringify(Object.fromEntries(SHOP_FAQ.map((i) => [i.name, i.answer])), null, 1) + '\n');
  process.stdout.write(`wrote ask bundle ${out}\n`);
}
