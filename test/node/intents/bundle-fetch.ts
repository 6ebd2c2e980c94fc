import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A `fetch` that serves files from `dir` for URLs under `base` (tests load bundles without a server). */
export function fileFetch(base: string, dir: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (!url.startsWith(base)) return new Response('not found', { status: 404 });
    try {
      return new Response(readFileSync(join(dir, url.slice(base.length))));
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
}
