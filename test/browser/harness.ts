/**
 * The browser tier's tools: a tiny static server on 127.0.0.1, system Chromium
 * launched with the flags from BROWSER-TESTING.md, and a privacy guard that
 * sees every request a page makes.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** The repository root (two levels above this file). */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // tfjs-backend-wasm uses WebAssembly.instantiateStreaming, which refuses any other type.
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  readonly origin: string;
  /** Replaces the bytes served at one URL path (e.g. a tampered bundle file). */
  override(urlPath: string, body: Buffer): void;
  /** Adds response headers to every path under `urlPrefix` (e.g. a Content-Security-Policy, CORS). */
  setHeaders(urlPrefix: string, headers: Record<string, string>): void;
  close(): Promise<void>;
}

/**
 * Serves folders under URL prefixes, e.g. `{ '/dist/': 'dist' }` (paths relative
 * to the repo root). Listens on 127.0.0.1 at a random port. Only GET and HEAD.
 */
export async function startServer(mounts: Record<string, string>): Promise<StaticServer> {
  const overrides = new Map<string, Buffer>();
  const extraHeaders = new Map<string, Record<string, string>>();
  const server: Server = createServer((req, res) => {
    void serve(mounts, overrides, req.method ?? 'GET', req.url ?? '/').then(({ status, type, body }) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const added = [...extraHeaders].filter(([prefix]) => path.startsWith(prefix)).map(([, h]) => h);
      res.writeHead(status, Object.assign({ 'content-type': type, 'cache-control': 'no-store' }, ...added));
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    override: (urlPath, body) => overrides.set(urlPath, body),
    setHeaders: (urlPrefix, headers) => extraHeaders.set(urlPrefix, headers),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

interface Reply {
  status: number;
  type: string;
  body: Buffer | string;
}

async function serve(mounts: Record<string, string>, overrides: Map<string, Buffer>, method: string, url: string): Promise<Reply> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, type: 'text/plain', body: 'method not allowed' };
  const path = decodeURIComponent(new URL(url, 'http://x').pathname);
  const type = MIME[extname(path)] ?? 'application/octet-stream';
  const replaced = overrides.get(path);
  if (replaced) return { status: 200, type, body: replaced };
  const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
  if (!prefix) return { status: 404, type: 'text/plain', body: 'not found' };
  const dir = resolve(ROOT, mounts[prefix] as string);
  const file = normalize(join(dir, path.slice(prefix.length)));
  if (file !== dir && !file.startsWith(dir + sep)) return { status: 403, type: 'text/plain', body: 'forbidden' };
  try {
    if (!(await stat(file)).isFile()) return { status: 404, type: 'text/plain', body: 'not found' };
    return { status: 200, type, body: await readFile(file) };
  } catch {
    return { status: 404, type: 'text/plain', body: 'not found' };
  }
}

export type LaunchKind = 'webgpu' | 'webgl' | 'nogpu';

const BASE_ARGS = ['--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const KIND_ARGS: Record<LaunchKind, string[]> = {
  webgpu: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'],
  webgl: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  nogpu: ['--disable-gpu', '--disable-software-rasterizer'],
};

/** The Chromium the browser tier drives: CHROMIUM_PATH, else the Debian package's binary. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches system Chromium headless with the flags that make `kind` available on GPU-less machines. */
export async function launchChromium(kind: LaunchKind): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install the Debian package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...BASE_ARGS, ...KIND_ARGS[kind]] });
}

export interface GuardOptions {
  /** The only origin the page may talk to (the test server or the demo server). */
  readonly origin: string;
  /** URL path prefixes the page may GET: its own assets and the bundle files. Omit to allow any path on `origin`. */
  readonly allow?: readonly string[];
  /** Other 127.0.0.1 origins the page may GET from under the same paths (a cross-origin bundle host). */
  readonly alsoOrigins?: readonly string[];
}

/** What a guarded page did that a test must see. */
export interface Guard {
  /** Every request the page made, as `METHOD url`. */
  readonly requests: string[];
  /** Requests the guard aborted (off-origin, non-GET, or outside the allowed paths). */
  readonly blocked: string[];
  /** Uncaught exceptions, console errors and HTTP error responses. */
  readonly errors: string[];
  /** Throws if anything was blocked or any page error happened; call at the end of every test. */
  check(): void;
}

/**
 * Intercepts every request of `page`: lets through only GETs to `origin`
 * under the allowed paths, aborts and records everything else; records
 * uncaught exceptions, console errors and HTTP error responses. `ignoreConsole` filters console
 * errors the test provokes on purpose (e.g. a 404 it asked for).
 */
export async function guardPage(page: Page, options: GuardOptions, ignoreConsole: (text: string) => boolean = () => false): Promise<Guard> {
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];
  await page.context().route('**/*', (route) => {
    const request = route.request();
    const line = `${request.method()} ${request.url()}`;
    requests.push(line);
    if (isAllowed(request.method(), request.url(), options)) return route.continue();
    blocked.push(line);
    return route.abort('blockedbyclient');
  });
  // WebSockets are not routed by `route()`; Vite's HMR socket is the only one expected (same origin).
  page.on('websocket', (ws) => {
    const url = new URL(ws.url());
    if (`http://${url.host}` !== options.origin) blocked.push(`WS ${ws.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.stack ?? err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !ignoreConsole(msg.text())) errors.push(`console.error: ${msg.text()}`);
  });
  return {
    requests,
    blocked,
    errors,
    check() {
      if (blocked.length > 0) throw new Error(`privacy guard: the page made requests that are not its own assets or bundle files:\n${blocked.join('\n')}`);
      if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join('\n')}`);
    },
  };
}

function isAllowed(method: string, url: string, options: GuardOptions): boolean {
  if (method !== 'GET') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if ((parsed.origin !== options.origin && !options.alsoOrigins?.includes(parsed.origin)) || parsed.hostname !== '127.0.0.1') return false;
  return options.allow === undefined || options.allow.some((prefix) => parsed.pathname.startsWith(prefix));
}

/** The mounts every SDK test page needs: the built package and the test pages. */
export const SDK_MOUNTS = { '/dist/': 'dist', '/pages/': 'test/browser/pages', '/bundles/shop/': 'demo/public/bundles/shop' } as const;

/** Paths a test page on the test server may fetch: the built package, the page, the bundles. */
export const SDK_ALLOW = ['/dist/', '/pages/', '/bundles/'] as const;

/** Throws a clear message when the build or the default bundle is missing. */
export function requireBuild(): void {
  const missing = ['dist/attune.global.js', 'demo/public/bundles/shop/manifest.json', 'demo/public/shop/catalog.json'].filter(
    (f) => !existsSync(join(ROOT, f)),
  );
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build && npm run bundle:default\` first (npm test does both)`);
}

/** What `useSdkBrowser` sets up for a test file: the static server and one Chromium. */
export interface SdkBrowser {
  readonly server: StaticServer;
  readonly browser: Browser;
}

/**
 * Registers beforeAll/afterAll hooks that check the build, start the static
 * server with the SDK mounts (plus `extraMounts`) and launch Chromium of
 * `kind`, and stop both after the file. Read the fields inside tests.
 */
export function useSdkBrowser(kind: LaunchKind = 'nogpu', extraMounts: Record<string, string> = {}): SdkBrowser {
  const state = {} as { server: StaticServer; browser: Browser };
  beforeAll(async () => {
    requireBuild();
    state.server = await startServer({ ...SDK_MOUNTS, ...extraMounts });
    state.browser = await launchChromium(kind);
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.server?.close();
  });
  return state;
}

/** What `useBrowserPool` sets up: the static server, and Chromium launched lazily per kind. */
export interface BrowserPool {
  readonly server: StaticServer;
  browserFor(kind: LaunchKind): Promise<Browser>;
}

/**
 * Like `useSdkBrowser`, for files that need several kinds of Chromium (GPU
 * flags differ per launch): each kind is launched on first use and kept for
 * the file; hooks stop them all and the server after the file.
 */
export function useBrowserPool(extraMounts: Record<string, string> = {}): BrowserPool {
  const browsers = new Map<LaunchKind, Promise<Browser>>();
  const state = {
    server: undefined as unknown as StaticServer,
    browserFor(kind: LaunchKind): Promise<Browser> {
      const open = browsers.get(kind) ?? launchChromium(kind);
      browsers.set(kind, open);
      return open;
    },
  };
  beforeAll(async () => {
    requireBuild();
    state.server = await startServer({ ...SDK_MOUNTS, ...extraMounts });
  });
  afterAll(async () => {
    for (const browser of browsers.values()) await (await browser).close();
    await state.server?.close();
  });
  return state;
}
