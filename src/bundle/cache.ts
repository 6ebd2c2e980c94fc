/**
 * Offline after the first visit: the last verified bundle, kept in Cache
 * Storage (one cache per shop database, `<dbName>-bundles`). The manifest is
 * stored under its URL, each binary file under its URL plus `#<sha256>`, so a
 * new bundle version never reads an old file. It is read only when the network
 * fails, and everything read from it is verified again like a download.
 *
 * Not written without consent, and deleted by `forget()`: a cached bundle says
 * which shop the visitor has been to.
 */
export interface BundleCache {
  read(key: string): Promise<ArrayBuffer | undefined>;
  /** Replaces the cache's content with these files (one bundle per cache). */
  replace(files: readonly (readonly [string, ArrayBuffer])[]): Promise<void>;
}

const available = (): boolean => typeof caches !== 'undefined';

/** The bundle cache called `name`, or undefined where Cache Storage is missing (Node, insecure contexts). */
export function bundleCache(name: string): BundleCache | undefined {
  if (!available()) return undefined;
  return {
    // Not `caches.open(name)`: opening creates the cache, and a visitor without one must not get one by reading.
    read: async (key) => (await caches.match(key, { cacheName: name }))?.arrayBuffer(),
    replace: async (files) => {
      const cache = await caches.open(name);
      await Promise.all((await cache.keys()).map((request) => cache.delete(request)));
      await Promise.all(files.map(([key, bytes]) => cache.put(key, new Response(bytes))));
    },
  };
}

/** Deletes the bundle cache called `name` (no-op without Cache Storage). */
export async function deleteBundleCache(name: string): Promise<void> {
  if (available()) await caches.delete(name);
}
