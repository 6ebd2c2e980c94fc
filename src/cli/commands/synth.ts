import { synthShop, writeShop } from '../../node/synth/shop.js';
import { parseFlags, UsageError, type FlagSpec } from '../args.js';

export const SYNTH_FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string', help: 'output folder (required)' },
  seed: { type: 'number', integer: true, help: 'random seed (default 1)' },
  items: { type: 'number', integer: true, min: 8, help: 'catalog size (default 240)' },
  visitors: { type: 'number', integer: true, min: 1, help: 'simulated visitors (default 1200)' },
};

/** `attune synth`: writes items.csv, interactions.csv and catalog.json. */
export function synthCommand(argv: readonly string[]): void {
  const f = parseFlags('synth', argv, SYNTH_FLAGS);
  if (typeof f.out !== 'string') throw new UsageError('attune synth: --out DIR is required');
  const shop = synthShop({ seed: f.seed as number | undefined, items: f.items as number | undefined, visitors: f.visitors as number | undefined });
  const paths = writeShop(f.out, shop);
  process.stdout.write(`synthetic shop (seed ${shop.options.seed}): ${shop.catalog.length} products, ${shop.options.visitors} visitors, ${shop.events.length} events\n`);
  for (const p of paths) process.stdout.write(`  ${p}\n`);
}
