import { cpSync, existsSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * attune's worker (attune.worker.js and its chunk folder attune-worker/) and
 * the wasm backend's .wasm files are static files, not modules: copy them from
 * the installed package into public/attune/, so vite serves them in dev and
 * copies them into the build. main.js points `workerUrl` and `wasmPaths` there.
 */
const dist = 'node_modules/attune/dist';
const isStatic = (path) => {
  const name = basename(path);
  return path === dist || name === 'attune.worker.js' || name.endsWith('.wasm') || path.includes('/attune-worker');
};
if (existsSync(dist)) cpSync(dist, 'public/attune', { recursive: true, filter: (path) => isStatic(path) && !path.endsWith('.map') });

export default { server: { host: '127.0.0.1' } };
