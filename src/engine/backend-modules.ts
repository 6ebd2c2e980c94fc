/**
 * Loads the tfjs backend packages that are not part of `@tensorflow/tfjs`
 * (wasm, webgpu) on demand, only when that backend is tried. In the ESM
 * build these stay dynamic imports (your bundler splits them off); in the
 * worker build they are chunks in `attune-worker/`. The script-tag build
 * swaps this module for backend-modules.global.ts (vite.config.ts), which
 * loads the separate files `attune.backend-wasm.js` / `attune.backend-webgpu.js`.
 */
export type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

export const loadWasmBackend = (): Promise<WasmModule> => import('@tensorflow/tfjs-backend-wasm');

export const loadWebgpuBackend = async (): Promise<void> => {
  await import('@tensorflow/tfjs-backend-webgpu');
};
