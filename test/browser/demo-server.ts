/**
 * The demo's dev server for browser tests: vite on a free 127.0.0.1 port, in
 * its own process group so it stops with everything it started. Like
 * quick-start.test.ts, but without `npm start`'s bundle step: `npm test`
 * builds the default bundle before the browser tier runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './harness.js';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
  });
}

export interface DemoServer {
  readonly url: string;
  stop(): void;
}

/**
 * Starts the repository's `vite` in `cwd` (default: the root, i.e. the demo) and resolves with the
 * URL it prints. `--bypass-lock`: a developer may have `npm start` running.
 */
export async function startDemoServer(cwd = ROOT): Promise<DemoServer> {
  const port = await freePort();
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const child: ChildProcess = spawn(process.execPath, [vite, '--port', String(port), '--strictPort', '--bypass-lock'], { cwd, detached: true, env: { ...process.env, BROWSER: 'none' } });
  const stop = (): void => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const url = await new Promise<string>((ok, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`vite printed no URL within 120 s:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      // eslint-disable-next-line no-control-regex
      const match = output.replace(/\u001b\[[0-9;]*m/g, '').match(/Local:\s+(http:\/\/127\.0\.0\.1:\d+\/?)/);
      if (match) {
        clearTimeout(timer);
        ok(match[1] as string);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`vite exited with ${code} before serving:\n${output}`));
    });
  }).catch((error: unknown) => (stop(), Promise.reject(error)));
  return { url, stop };
}
