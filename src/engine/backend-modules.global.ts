import * as core from '@tensorflow/tfjs-core';
import type { WasmModule } from './backend-modules.js';
import { defaultWasmPaths } from './wasm-paths.js';

/**
 * The script-tag build's backend loader (replaces backend-modules.ts there):
 * the wasm and webgpu backends are separate ES module files next to
 * `attune.global.js` (`attune.backend-wasm.js`, `attune.backend-webgpu.js`,
 * built by `vite build --mode backends`), fetched only when that backend is
 * tried. They register into this script's TensorFlow.js, which they find
 * under `globalThis.__attuneTfCore` (their `@tensorflow/tfjs-core` imports
 * point there), so the page holds one copy of TensorFlow.js.
 */
const SHARED = '__attuneTfCore';

function load<T>(file: string): Promise<T> {
  const scope = globalThis as Record<string, unknown>;
  scope[SHARED] ??= core;
  const base = defaultWasmPaths();
  if (base === undefined) return Promise.reject(new Error(`cannot locate ${file}: the attune script's URL is unknown`));
  return import(/* @vite-ignore */ new URL(file, base).href) as Promise<T>;
}

export const loadWasmBackend = (): Promise<WasmModule> => load<WasmModule>('attune.backend-wasm.js');

export const loadWebgpuBackend = async (): Promise<void> => {
  await load<unknown>('attune.backend-webgpu.js');
};
