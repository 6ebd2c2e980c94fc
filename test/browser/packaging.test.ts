/**
 * The built package, as a shop would use it: the script-tag build exposes the
 * same API as the ESM build, and the files the README promises are in dist/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, useSdkBrowser } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

describe('packaging', () => {
  it('dist/ holds the ESM build, its types, the script-tag build and the wasm binaries', () => {
    const files = ['attune.js', 'attune.global.js', 'types/index.d.ts', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
    expect(files.filter((f) => !existsSync(join(ROOT, 'dist', f)))).toEqual([]);
  });

  it('window.Attune (script tag) exports exactly what dist/attune.js (ESM) exports', async () => {
    const esm = Object.keys(await import(pathToFileURL(join(ROOT, 'dist/attune.js')).href)).sort();
    const session = await openSdkPage(env.browser, env.server.origin);
    const global = await session.page.evaluate(() => Object.keys((window as unknown as { Attune: object }).Attune).sort());
    expect(esm).toContain('createPersonalizer');
    expect(global).toEqual(esm);
    session.guard.check();
    await session.close();
  });
});
