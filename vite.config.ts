import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

/**
 * One config, three jobs:
 *  - `vite` / `vite build` (default mode): the demo shop in demo/, importing `attune` from src/;
 *  - `vite build --mode lib`: the ESM package build in dist/ (tfjs and idb stay external);
 *  - `vite build --mode global`: the script-tag build dist/attune.global.js exposing `Attune`.
 */
export default defineConfig(({ mode }) => {
  if (mode === 'lib') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        lib: { entry: src('index.ts'), formats: ['es'], fileName: () => 'attune.js' },
        rollupOptions: { external: [/^@tensorflow\//, 'idb'] },
      },
    };
  }
  if (mode === 'global') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        lib: { entry: src('global.ts'), formats: ['iife'], name: 'Attune', fileName: () => 'attune.global.js' },
      },
    };
  }
  return {
    root: 'demo',
    resolve: { alias: { attune: src('index.ts') } },
    server: { host: '127.0.0.1', port: 5173, strictPort: false },
    preview: { host: '127.0.0.1', port: 4173 },
    build: { outDir: '../dist/demo', emptyOutDir: true },
  };
});
