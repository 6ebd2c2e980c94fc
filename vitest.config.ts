import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = {
  'attune/node': fileURLToPath(new URL('./src/node.ts', import.meta.url)),
  attune: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
};

/** Two tiers (ARCHITECTURE.md § Tests): Node on cpu + fake-indexeddb, and real headless Chromium. */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 300_000 },
      },
      {
        resolve: { alias },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
