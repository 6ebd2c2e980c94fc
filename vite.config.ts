import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

/**
 * One config, three jobs:
 *  - `vite` / `vite build` (default mode): the demo shop in demo/, importing `attune` from src/;
 *  - `vite build --mode lib`: the ESM package build in dist/ (tfjs and idb stay external);
 *  - `vite build --mode global`: the script-tag build dist/attune.global.js exposing `Attune`;
 *  - `vite build --mode worker`: attune's worker dist/attune.worker.js, an ES module worker with
 *    TensorFlow.js inside (a worker cannot resolve bare imports); the wasm and webgpu backends
 *    are split into their own files and load only when chosen;
 *  - `vite build --mode backends`: dist/attune.backend-wasm.js and attune.backend-webgpu.js, the
 *    script-tag build's backends, loaded only when tried (they use the page's TensorFlow.js).
 */
export default defineConfig(async ({ mode }): Promise<UserConfig> => {
  if (mode === 'lib') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        // Minified, so the size report and budget (scripts/size.mjs) measure what a page downloads.
        minify: true,
        lib: { entry: src('index.ts'), formats: ['es'], fileName: () => 'attune.js' },
        // Vite keeps whitespace in minified ES libraries (for bundlers' annotations); strip it like a shop's bundler would.
        rollupOptions: { external: [/^@tensorflow\//, 'idb'], output: { minify: true } },
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
      // The wasm and webgpu backends are not inlined: they load from their own files (mode backends) when tried.
      resolve: { alias: [{ find: /^\.\/backend-modules\.js$/, replacement: src('engine/backend-modules.global.ts') }] },
    };
  }
  if (mode === 'backends') {
    // The script-tag build's lazily loaded backends: ES modules that use the page's TensorFlow.js
    // (globalThis.__attuneTfCore, set by attune.global.js) instead of bundling another copy.
    const names = Object.keys(await import('@tensorflow/tfjs-core')).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
    const shim = '\0attune-page-tfjs-core';
    return {
      publicDir: false,
      plugins: [
        {
          name: 'attune-page-tfjs-core',
          enforce: 'pre' as const,
          resolveId: (id: string) => (id === '@tensorflow/tfjs-core' ? shim : null),
          load: (id: string) =>
            id === shim
              ? `const tf = globalThis.__attuneTfCore;\nif (!tf) throw new Error('load attune.global.js first');\nexport const { ${names.join(', ')} } = tf;\n`
              : null,
        },
      ],
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        minify: true,
        lib: { entry: { 'backend-wasm': src('engine/backend-entries/wasm.ts'), 'backend-webgpu': src('engine/backend-entries/webgpu.ts') }, formats: ['es'], fileName: (_format: string, name: string) => `attune.${name}.js` },
        rollupOptions: { output: { chunkFileNames: 'attune-backends/[name]-[hash].js' } },
      },
    };
  }
  if (mode === 'worker') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        minify: true,
        lib: { entry: src('worker/entry.ts'), formats: ['es'], fileName: () => 'attune.worker.js' },
        rollupOptions: { output: { chunkFileNames: 'attune-worker/[name]-[hash].js' } },
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
