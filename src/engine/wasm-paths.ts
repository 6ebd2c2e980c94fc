/**
 * Where tfjs-backend-wasm fetches its `.wasm` binaries: a directory URL
 * (ending in `/`), or a map from each binary's file name to its URL (what a
 * bundler hands out, e.g. Vite's `?url` imports). tfjs needs all three names:
 * tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm.
 */
export type WasmPaths = string | Readonly<Record<string, string>>;

export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

let scriptBase: string | undefined;

/**
 * Records the directory of the script-tag build. It must be captured while the
 * script first runs: `document.currentScript` is null afterwards.
 */
export function setScriptBase(scriptUrl: string | undefined): void {
  if (!scriptUrl) return;
  try {
    scriptBase = new URL('./', scriptUrl).href;
  } catch {
    // A script without a usable URL (inline, blob): leave the tfjs default.
  }
}

/**
 * The default: the directory the attune script was served from, where the
 * build copies the `.wasm` files. Undefined when it cannot be known, and then
 * tfjs looks next to its own script.
 */
export function defaultWasmPaths(): string | undefined {
  if (scriptBase) return scriptBase;
  try {
    // Through a variable on purpose: bundlers rewrite the literal pattern
    // `new URL('…', import.meta.url)` into an asset reference, and a directory is no asset.
    const here = import.meta.url;
    const base = new URL('./', here);
    return base.protocol === 'file:' ? undefined : base.href;
  } catch {
    return undefined;
  }
}
