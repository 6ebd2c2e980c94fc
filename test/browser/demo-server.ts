/**
 * The demo's dev server for browser tests: vite on a free 127.0.0.1 port, in
 * its own process group so it stops with everything it started; or the
 * README's `npm start` (quick-start.test.ts). `npm test` builds the default
 * bundle before the browser tier runs, so the demo tests use plain vite.
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
 * Runs `command args…` in `cwd`, in its own process group, and resolves with
 * the local URL vite prints; `stop()` ends the whole group (npm → sh → vite).
 * `--bypass-lock` in the args: a developer may have `npm start` running.
 */
async function serve(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<DemoServer> {
  const child: ChildProcess = spawn(command, args, { cwd, detached: true, env: { ...process.env, BROWSER: 'none' } });
  const stop = (): void => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const what = [command.split('/').pop(), ...args.slice(0, 2)].join(' ');
  const url = await new Promise<string>((ok, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`${what} printed no URL within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
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
      fail(new Error(`${what} exited with ${code} before serving:\n${output}`));
    });
  }).catch((error: unknown) => (stop(), Promise.reject(error)));
  return { url, stop };
}

/** The repository's `vite` in `cwd` (default: the root, i.e. the demo) on a free port. */
export async function startDemoServer(cwd = ROOT): Promise<DemoServer> {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return serve(process.execPath, [vite, '--port', String(await freePort()), '--strictPort', '--bypass-lock'], cwd, 120_000);
}

/** Exactly the README's `npm start` (default bundle, then vite) on a free port. */
export async function startNpmStart(): Promise<DemoServer> {
  return serve('npm', ['start', '--', '--port', String(await freePort()), '--strictPort', '--bypass-lock'], ROOT, 240_000);
}
