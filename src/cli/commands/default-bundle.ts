import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../bundle/codec.js';
import { loadCsvDataset } from '../../node/data/generic.js';
import { hasMovielens, loadMovielens, movielensDir } from '../../node/data/movielens.js';
import { repoRoot } from '../../node/paths.js';
import { synthDefaults, synthShop, writeShop } from '../../node/synth/shop.js';
import type { TrainOptions } from '../../node/train/options.js';
import { parseFlags, UsageError, type FlagSpec } from '../args.js';
import { buildAskBundle } from './ask-bundle.js';
import { trainAndWrite, writeCatalogJson } from './common.js';

/** The demo shop: the synthetic data and training settings behind demo/public/bundles/shop. */
export const SHOP_SETTINGS = {
  synth: synthDefaults({ seed: 7 }),
  train: { algorithm: 'reptile', feedback: 'implicit', iterations: 30, metaBatch: 8, innerSteps: 5, innerLr: 0.5, outerLr: 0.01, maxQuery: 16, seed: 7 } satisfies TrainOptions,
} as const;

/** The MovieLens-100K rating bundle (demo/public/bundles/movielens), sized to train in about a minute. */
export const MOVIELENS_SETTINGS = {
  train: { algorithm: 'fomaml', feedback: 'rating', iterations: 150, metaBatch: 8, innerSteps: 5, innerLr: 0.1, outerLr: 0.01, holdout: 0.2, seed: 1 } satisfies TrainOptions,
} as const;

export const DEFAULT_BUNDLE_FLAGS: Record<string, FlagSpec> = {
  force: { type: 'boolean', help: 'rebuild even when the bundle matches the settings' },
  movielens: { type: 'boolean', help: 'build the MovieLens-100K bundle instead of the synthetic shop' },
};

/** A hash of the settings (and this format) so an unchanged bundle is not rebuilt. */
async function settingsHash(settings: unknown): Promise<string> {
  return (await sha256Hex(new TextEncoder().encode(JSON.stringify({ settings, generator: 'attune-default-bundle/1' })))).slice(0, 16);
}

function isCurrent(bundleDir: string, catalogJson: string, hash: string): boolean {
  const manifest = join(bundleDir, 'manifest.json');
  if (![manifest, join(bundleDir, 'weights.bin'), join(bundleDir, 'items.bin'), catalogJson].every(existsSync)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { training?: { settingsHash?: string } }).training?.settingsHash === hash;
  } catch {
    return false;
  }
}

async function buildShop(root: string, force: boolean): Promise<void> {
  const out = join(root, 'demo/public/bundles/shop');
  const catalog = join(root, 'demo/public/shop/catalog.json');
  const hash = await settingsHash(SHOP_SETTINGS);
  if (!force && isCurrent(out, catalog, hash)) return void process.stdout.write(`default bundle is up to date (${out}); --force rebuilds it\n`);
  const dataDir = join(root, '.cache/shop');
  writeShop(dataDir, synthShop(SHOP_SETTINGS.synth));
  const data = loadCsvDataset(dataDir, { name: 'synthetic-shop' });
  await trainAndWrite(data, SHOP_SETTINGS.train, out, { settingsHash: hash });
  mkdirSync(join(root, 'demo/public/shop'), { recursive: true });
  copyFileSync(join(dataDir, 'catalog.json'), catalog);
}

async function buildMovielens(root: string, force: boolean): Promise<void> {
  if (!hasMovielens()) throw new UsageError(`MovieLens-100K not found in ${movielensDir()}; set ATTUNE_DATA to the folder holding ml-100k/`);
  const out = join(root, 'demo/public/bundles/movielens');
  const catalog = join(root, 'demo/public/movielens/catalog.json');
  const hash = await settingsHash(MOVIELENS_SETTINGS);
  if (!force && isCurrent(out, catalog, hash)) return void process.stdout.write(`MovieLens bundle is up to date (${out}); --force rebuilds it\n`);
  const data = loadMovielens();
  await trainAndWrite(data, MOVIELENS_SETTINGS.train, out, { settingsHash: hash });
  writeCatalogJson(catalog, data);
}

/** `attune default-bundle`: the demo's shop bundle (or, with --movielens, the ML-100K bundle). */
export async function defaultBundleCommand(argv: readonly string[]): Promise<void> {
  const f = parseFlags('default-bundle', argv, DEFAULT_BUNDLE_FLAGS);
  const root = repoRoot();
  if (f.movielens) await buildMovielens(root, f.force === true);
  else {
    await buildShop(root, f.force === true);
    await buildAskBundle(root, f.force === true, settingsHash);
  }
}
