import { BundleError, InvalidInputError } from '../errors.js';

/**
 * How long one bundle file may take (request and body) before attune gives
 * up: a CDN that accepts the connection and never answers must not leave the
 * page waiting for a personalizer forever.
 */
export const DEFAULT_BUNDLE_TIMEOUT_MS = 30_000;

export interface FetchOptions {
  /**
   * Fetch to use (default: the global one), e.g. to add headers or serve from a test.
   *
   * @example
   * await loadBundle('/bundles/shop/', { fetch: (url, init) => fetch(url, { ...init, credentials: 'include' }) });
   */
  readonly fetch?: typeof fetch;
  /**
   * Aborts the download.
   *
   * @example
   * const controller = new AbortController();
   * setTimeout(() => controller.abort(), 10_000);
   * await loadBundle('/bundles/shop/', { signal: controller.signal });
   */
  readonly signal?: AbortSignal;
  /**
   * Per file; default DEFAULT_BUNDLE_TIMEOUT_MS.
   *
   * @example
   * await loadBundle('/bundles/shop/', { timeoutMs: 60_000 });
   */
  readonly timeoutMs?: number;
}

/** Checks a `timeoutMs` option: a positive finite number of milliseconds (at most a day). */
export function checkTimeout(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 86_400_000) {
    throw new InvalidInputError(field, `must be a number of milliseconds in (0, 86400000], got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

/**
 * Fetches one bundle file. Rejects with BundleError `bundle-fetch-failed`
 * (network, CORS, HTTP status) or `bundle-timeout`. The timeout also races an
 * injected `fetch` that ignores the abort signal.
 */
export async function fetchBytes(url: string, options: FetchOptions): Promise<ArrayBuffer> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = checkTimeout(options.timeoutMs, 'timeoutMs') ?? DEFAULT_BUNDLE_TIMEOUT_MS;
  const controller = new AbortController();
  const outer = options.signal;
  const forward = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  outer?.addEventListener('abort', forward);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new BundleError('bundle-timeout', `${url} did not arrive within ${timeoutMs} ms (the bundle server does not answer)`));
    }, timeoutMs);
  });
  const download = async (): Promise<ArrayBuffer> => {
    let response: Response;
    try {
      response = await doFetch(url, { signal: controller.signal, credentials: 'omit' });
      if (response.ok) return await response.arrayBuffer();
    } catch (cause) {
      throw new BundleError('bundle-fetch-failed', `could not fetch ${url}: ${String(cause)} (offline, blocked, or cross-origin without CORS headers)`, { cause });
    }
    throw new BundleError('bundle-fetch-failed', `could not fetch ${url}: HTTP ${response.status}`);
  };
  try {
    return await Promise.race([download(), timeout]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
}

const INTEGRITY_TOKEN = /^sha(256|384|512)-([A-Za-z0-9+/]+={0,2})$/;

/**
 * Checks an `integrity` option: Subresource Integrity syntax, one or more
 * `sha256-`/`sha384-`/`sha512-` base64 digests separated by spaces.
 */
export function checkIntegrity(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const tokens = typeof value === 'string' ? value.trim().split(/\s+/) : [];
  if (tokens.length === 0 || tokens.length > 8 || !tokens.every((t) => INTEGRITY_TOKEN.test(t))) {
    throw new InvalidInputError('integrity', `must be like "sha256-<base64 digest of manifest.json>" (Subresource Integrity syntax), got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value}`);
  }
  return tokens.join(' ');
}

/**
 * Pins manifest.json to the page's `integrity` value: the manifest holds the
 * SHA-256 of every other file, so pinning it pins the whole bundle against a
 * compromised CDN. Passes when any listed digest matches.
 */
export async function verifyIntegrity(url: string, bytes: ArrayBuffer, integrity: string): Promise<void> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new BundleError('bundle-insecure-context', 'WebCrypto is unavailable (not a secure context): the integrity option cannot be checked');
  for (const token of integrity.split(' ')) {
    const [, bits, expected] = INTEGRITY_TOKEN.exec(token) as RegExpExecArray;
    const digest = new Uint8Array(await subtle.digest(`SHA-${bits}`, bytes));
    if (btoa(String.fromCharCode(...digest)) === expected) return;
  }
  throw new BundleError('bundle-integrity', `${url} does not match the page's integrity option ${integrity.slice(0, 60)}… (the bundle was changed; update the pinned digest)`);
}
