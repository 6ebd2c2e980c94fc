import { setScriptBase } from './engine/wasm-paths.js';

// The script-tag build: everything in `Attune`. The `.wasm` files sit next to
// this script, and `document.currentScript` says where that is only while the
// script first runs, so capture it now.
setScriptBase(typeof document === 'undefined' ? undefined : (document.currentScript as HTMLScriptElement | null)?.src);

export * from './index.js';
