#!/usr/bin/env node
// The published CLI runs the compiled code (npm run build emits dist/node).
import { main } from '../dist/node/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
