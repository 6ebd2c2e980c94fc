/** Formatting `npm run bench`'s results and rewriting its section of docs/benchmarks.md. */
import { writeMarkedSection } from './docs-section.js';
import type { EngineRun, LayersRun } from './browser/engine-bench.js';
import type { SdkRun, SoakRun } from './browser/sdk-bench.js';

export interface BackendResult {
  readonly backend: string;
  readonly swiftshader: boolean;
  readonly engine: EngineRun;
  readonly layers: LayersRun;
  readonly big: EngineRun;
  readonly sdk: SdkRun;
}

export interface Report {
  readonly machine: string;
  readonly runs: number;
  readonly results: readonly BackendResult[];
  readonly soak: SoakRun;
  readonly command: string;
}


export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const p50 = (xs: readonly number[]): number => quantile(xs, 0.5);
const p95 = (xs: readonly number[]): number => quantile(xs, 0.95);
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const pair = (xs: readonly number[]): string => `${ms(p50(xs))} / ${ms(p95(xs))}`;

function mainTable(results: readonly BackendResult[]): string[] {
  const rows = results.map((r) => {
    const name = r.swiftshader ? `${r.backend} (SwiftShader)` : r.backend;
    const fit = p50(r.layers.fitMs);
    const predict = p50(r.layers.predictMs);
    return `| ${name} | ${pair(r.engine.adaptMs)} | ${pair(r.engine.rankMs)} | ${pair(r.sdk.cycleMs)} | ${ms(r.engine.firstMs)} / ${ms(r.sdk.firstMs)} | ${ms(fit)} (${(fit / p50(r.engine.adaptMs)).toFixed(1)}×) | ${ms(predict)} (${(predict / p50(r.engine.rankMs)).toFixed(1)}×) | ${pair(r.big.rankMs)} |`;
  });
  return [
    '| backend | adapt p50 / p95 | rank 10k p50 / p95 | track → recommend p50 / p95 (SDK, worker) | first call: engine / SDK | LayersModel fit() p50 (× attune adapt) | predict() 10k p50 (× attune rank) | rank 100k p50 / p95 |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

function whereTimeGoes(results: readonly BackendResult[]): string[] {
  return [
    '| backend | adapt, hand-written JS loop p50 | adapt, op by op in tfjs p50 | kernels per op-by-op adapt | time inside those kernels | wall time of that profiled adapt |',
    '|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.backend} | ${ms(p50(r.engine.jsAdaptMs))} | ${ms(p50(r.engine.tfjsAdaptMs))} | ${r.engine.kernels} | ${ms(r.engine.kernelMs)} ms | ${ms(r.engine.profiledMs)} ms |`),
  ];
}

function soakTable(soak: SoakRun): string[] {
  const mb = (b: number): string => (Number.isFinite(b) ? (b / 2 ** 20).toFixed(2) : 'n/a');
  return [
    '| cycles done | live tensors | JS heap after GC (MiB) |',
    '|---|---|---|',
    ...soak.samples.map((s) => `| ${s.cycle} | ${s.tensors} | ${mb(s.heap)} |`),
  ];
}

function targets(results: readonly BackendResult[]): string[] {
  const cpuSide = results.filter((r) => !r.swiftshader);
  const best = (f: (r: BackendResult) => number): [string, number] => {
    const r = [...cpuSide].sort((a, b) => f(a) - f(b))[0]!;
    return [r.backend, f(r)];
  };
  const [aName, adapt] = best((r) => p50(r.engine.adaptMs));
  const [fName, ratio] = best((r) => -p50(r.layers.fitMs) / p50(r.engine.adaptMs));
  const [rName, rank] = best((r) => p50(r.engine.rankMs));
  const [cName, cycle] = best((r) => p95(r.sdk.cycleMs));
  const mark = (ok: boolean): string => (ok ? 'reached' : '**not reached**');
  return [
    `- adapt p50 ≤ 2 ms: ${ms(adapt)} ms on ${aName} — ${mark(adapt <= 2)}.`,
    `- adapt ≥ 10× faster than LayersModel.fit: ${(-ratio).toFixed(1)}× on ${fName} — ${mark(-ratio >= 10)}.`,
    `- rank of 10,000 items p50 ≤ 5 ms: ${ms(rank)} ms on ${rName} — ${mark(rank <= 5)}.`,
    `- track() → updated recommend() p95 ≤ 16 ms: ${ms(cycle)} ms on ${cName} — ${mark(cycle <= 16)}.`,
  ];
}

/** The Markdown section (without the markers). */
export function renderReport(report: Report): string {
  const { soak } = report;
  const first = soak.samples[0];
  const last = soak.samples[soak.samples.length - 1];
  return [
    `Reference workload: 10,000 items × 32-d embeddings, head 32→64→64→1, 50 support examples, 5 inner SGD steps; 100,000 items for the last column. Machine: ${report.machine}.`,
    '',
    `Times in ms, ${report.runs} timed runs after a warm-up (a third of that on the SwiftShader backends, whose timings say nothing about a real GPU). "adapt" and "rank" are attune's engine (the code that runs in the worker) in the page; "rank" rescores the whole catalog with new params and takes the top 10. "track → recommend" is the built SDK (\`dist/attune.global.js\`, engine in its worker, IndexedDB) from \`track()\` to a \`recommend()\` that reflects it. "first call" includes backend start-up, upload and warm-up (SDK: also fetching and verifying the bundle and starting the worker). The LayersModel columns are the alternative a developer would write, in the same page and run: \`tf.sequential\` with the same dense layers, \`setWeights(θ0)\`, \`fit()\` for 5 epochs of one 50-example batch with SGD, and \`predict()\` on the catalog in one batch.`,
    '',
    ...mainTable(report.results),
    '',
    'Targets (wasm or cpu):',
    '',
    ...targets(report.results),
    '',
    'Where the adapt time goes: the same 5 steps with each inner loop forced (`innerLoop: \'js\'` / `\'tfjs\'`; the main table uses the default for an explicit backend: op by op on wasm, JS elsewhere; `\'auto\'` measures both and keeps the faster), and `tf.profile` of one op-by-op adapt:',
    '',
    ...whereTimeGoes(report.results),
    '',
    `Soak: ${soak.cycles.toLocaleString('en')} track → recommend cycles on ${soak.backend} over a pool of 1,000 items (${soak.mode}: \`worker: false\`, so the SDK and its engine share the page heap, measured through the DevTools protocol after a forced GC), ${(soak.ms / 1000).toFixed(0)} s. Live tensors ${first?.tensors} → ${last?.tensors}; heap ${((first?.heap ?? NaN) / 2 ** 20).toFixed(2)} → ${((last?.heap ?? NaN) / 2 ** 20).toFixed(2)} MiB.`,
    '',
    ...soakTable(soak),
    '',
    `Command: \`${report.command}\` (builds first; a run takes several minutes).`,
  ].join('\n');
}

/** Replaces the text between the bench markers (appending a section with them when absent). */
export function writeDocsSection(file: string, body: string): void {
  writeMarkedSection(file, 'bench', body, '## Speed in the browser: worker, backends and the LayersModel alternative (issue 5)');
}
