import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The attune checkout this code runs from: the nearest folder above this file
 * whose package.json is named "attune". Works from src/ (tsx) and dist/ alike.
 *
 * @example
 * const demoBundle = join(repoRoot(), 'demo/public/bundles/shop');
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'attune') return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/**
 * The shared data folder: `$ATTUNE_DATA`, else `<repo>/../shared/data`.
 *
 * @example
 * process.env.ATTUNE_DATA = '/mnt/datasets';
 * console.log(dataRoot()); // '/mnt/datasets'
 */
export function dataRoot(): string {
  return process.env.ATTUNE_DATA ? resolve(process.env.ATTUNE_DATA) : resolve(repoRoot(), '../shared/data');
}
