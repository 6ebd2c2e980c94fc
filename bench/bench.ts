/**
 * `npm run bench`: issue 5's benchmark in real headless Chromium on the
 * reference workload (10,000 items × 32-d, head 32→64→64→1, 50 support
 * examples, 5 inner steps). Prints a table and rewrites its section of
 * docs/benchmarks.md. Options: --runs N (timed runs per measurement,
 * default 30), --cycles N (soak cycles, default 10000), --backends a,b
 * (default wasm,cpu,webgl,webgpu), --no-docs.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { launchChromium, ROOT, startServer, type LaunchKind } from '../test/browser/harness.js';
import type { EngineRun, LayersRun } from './browser/engine-bench.js';
import { sdkRun, soakRun, type SdkRun, type SoakRun } from './browser/sdk-bench.js';
import { REFERENCE, writeWorkloadBundle } from './browser/workload.js';
import { renderReport, writeDocsSection, type BackendResult } from './bench-report.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 30);
const CYCLES = arg('cycles', 10_000);

const ALL: [string, LaunchKind][] = [
  ['wasm', 'nogpu'],
  ['cpu', 'nogpu'],
  ['webgl', 'webgl'],
  ['webgpu', 'webgpu'],
];
const only = process.argv.includes('--backends') ? process.argv[process.argv.indexOf('--backends') + 1]!.split(',') : null;
const BACKENDS = ALL.filter(([name]) => !only || only.includes(name));

async function buildEnginePage(out: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: out,
      emptyOutDir: true,
      minify: true,
      lib: { entry: join(ROOT, 'bench/browser/engine-bench.ts'), formats: ['es'], fileName: () => 'engine-bench.js' },
      rollupOptions: { output: { chunkFileNames: '[name]-[hash].js' } },
    },
  });
}

interface EngineSide {
  engine: EngineRun;
  layers: LayersRun;
  big: EngineRun;
}

async function engineSide(browser: Browser, origin: string, backend: string, runs: number): Promise<EngineSide> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[bench page] ${e.message}`));
  await page.goto(`${origin}/bench/bench.html`);
  await page.waitForFunction(() => 'bench' in globalThis);
  const out = await page.evaluate(
    async ({ backend, runs }) => {
      const b = (globalThis as unknown as { bench: any }).bench;
      const engine = await b.engineRun('/ref/', backend, runs, `${location.origin}/dist/`);
      const layers = await b.layersRun('/ref/', runs);
      const big = await b.engineRun('/big/', backend, Math.max(5, Math.round(runs / 3)), `${location.origin}/dist/`);
      return { engine, layers, big };
    },
    { backend, runs },
  );
  await context.close();
  return out as EngineSide;
}

function machine(browserVersion: string, loadBefore: number): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores (shared with other jobs), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, no GPU (WebGL/WebGPU on SwiftShader); Chromium ${browserVersion} headless; Node ${process.version}; load average (1 min) ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end of the run`;
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/attune.global.js')) || !existsSync(join(ROOT, 'dist/attune.worker.js'))) {
    console.log('building dist/ first (npm run build)…');
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  }
  const loadBefore = loadavg()[0]!;
  const tmp = mkdtempSync(join(tmpdir(), 'attune-bench-'));
  try {
    await writeWorkloadBundle(join(tmp, 'ref'), REFERENCE);
    await writeWorkloadBundle(join(tmp, 'big'), { ...REFERENCE, items: 100_000 });
    await buildEnginePage(join(tmp, 'out'));
    const server = await startServer({ '/dist/': 'dist', '/pages/': 'test/browser/pages', '/bench/': 'bench/browser', '/bench-out/': join(tmp, 'out'), '/ref/': join(tmp, 'ref'), '/big/': join(tmp, 'big') });
    const results: BackendResult[] = [];
    let version = '';
    for (const [backend, kind] of BACKENDS) {
      const browser = await launchChromium(kind);
      version = browser.version();
      const runs = kind === 'nogpu' ? RUNS : Math.max(5, Math.round(RUNS / 3));
      console.log(`[bench] ${backend}: engine + LayersModel (${runs} runs) …`);
      const side = await engineSide(browser, server.origin, backend, runs);
      console.log(`[bench] ${backend}: SDK first call + ${runs * 2} track→recommend cycles …`);
      const sdk: SdkRun = await sdkRun(browser, server.origin, '/ref/', backend, runs * 2);
      results.push({ backend, swiftshader: kind !== 'nogpu', ...side, sdk });
      await browser.close();
    }
    console.log(`[bench] soak: ${CYCLES} track→recommend cycles (wasm, worker: false so one heap holds everything) …`);
    const soakBrowser = await launchChromium('nogpu');
    const soak: SoakRun = await soakRun(soakBrowser, server.origin, '/ref/', 'wasm', CYCLES, Math.max(1, Math.round(CYCLES / 10)));
    await soakBrowser.close();
    await server.close();
    const report = renderReport({ machine: machine(version, loadBefore), runs: RUNS, results, soak, command: `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}` });
    console.log(report);
    if (!process.argv.includes('--no-docs')) writeDocsSection(join(ROOT, 'docs/benchmarks.md'), report);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
