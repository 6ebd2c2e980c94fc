// Size report and budget: prints raw, gzip and brotli sizes of the built files
// and fails when a budget in package.json's "size-limit" field is exceeded.
// `npm test` runs it after the build. (Same field format as the size-limit
// tool: path, limit, gzip; checked here without that dependency.)
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const budgets = pkg['size-limit'] ?? [];

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const parse = (limit) => {
  const m = /^([\d.]+)\s*(B|KB|kB|MB)$/.exec(String(limit).trim());
  if (!m) throw new Error(`size-limit: cannot read limit "${limit}" (use e.g. "25 KB")`);
  return Number(m[1]) * { B: 1, KB: 1024, kB: 1024, MB: 1024 * 1024 }[m[2]];
};
function measure(file) {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const dist = join(root, 'dist');
if (!existsSync(join(dist, 'attune.js'))) {
  console.error('size: dist/ is missing, run `npm run build` first');
  process.exit(1);
}
const chunks = existsSync(join(dist, 'attune-worker')) ? readdirSync(join(dist, 'attune-worker')).filter((f) => f.endsWith('.js')).map((f) => join(dist, 'attune-worker', f)) : [];
const backendChunks = existsSync(join(dist, 'attune-backends')) ? readdirSync(join(dist, 'attune-backends')).filter((f) => f.endsWith('.js')).map((f) => join(dist, 'attune-backends', f)) : [];
// Chunks the worker entry imports dynamically (the wasm and webgpu backends) load only when chosen.
const entry = existsSync(join(dist, 'attune.worker.js')) ? readFileSync(join(dist, 'attune.worker.js'), 'utf8') : '';
const lazy = new Set([...entry.matchAll(/import\("\.\/attune-worker\/([^"]+)"\)/g)].map((m) => m[1]));
const files = [
  ['dist/attune.js', "ESM build: attune's own code (tfjs and idb are peer imports)"],
  ['dist/attune.global.js', 'script-tag build (TensorFlow.js core with the cpu and webgl backends, and idb, included)'],
  ['dist/attune.backend-wasm.js', 'script-tag build: wasm backend, fetched only when tried'],
  ['dist/attune.backend-webgpu.js', 'script-tag build: webgpu backend, fetched only when tried'],
  ...backendChunks.map((f) => [relative(root, f), 'script-tag build: chunk shared by the wasm and webgpu backend files']),
  ['dist/attune.worker.js', 'worker entry (TensorFlow.js core, cpu and webgl backends included)'],
  ...chunks.map((f) => [relative(root, f), lazy.has(f.split('/').pop()) ? 'worker chunk loaded only when its backend is chosen (wasm or webgpu)' : 'worker chunk loaded with the worker']),
].filter(([f]) => existsSync(join(root, f)));

console.log('file'.padEnd(52), 'raw'.padStart(10), 'gzip'.padStart(10), 'brotli'.padStart(10));
for (const [f, what] of files) {
  const s = measure(join(root, f));
  console.log(f.padEnd(52), kb(s.raw).padStart(10), kb(s.gzip).padStart(10), kb(s.brotli).padStart(10), ` ${what}`);
}

let failed = false;
for (const budget of budgets) {
  const s = measure(join(root, budget.path));
  const kind = budget.brotli ? 'brotli' : 'gzip';
  const size = s[kind];
  const limit = parse(budget.limit);
  const ok = size <= limit;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${budget.name ?? budget.path}: ${kb(size)} ${kind} of ${budget.limit} budget`);
}
if (failed) {
  console.error('size: over budget (package.json "size-limit")');
  process.exit(1);
}
