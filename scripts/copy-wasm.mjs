// Copies tfjs-backend-wasm's binaries next to the built attune scripts, where
// attune's default `wasmPaths` (the directory of the attune script) looks for them.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const source = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const target = resolve(root, process.argv[2] ?? 'dist');
mkdirSync(target, { recursive: true });
const files = readdirSync(source).filter((f) => f.endsWith('.wasm'));
if (files.length === 0) throw new Error(`no .wasm files in ${source}`);
for (const file of files) copyFileSync(join(source, file), join(target, file));
console.log(`copied ${files.join(', ')} to ${target}`);
