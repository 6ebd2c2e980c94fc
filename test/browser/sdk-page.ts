/** Opening the SDK test page under the privacy guard, and reading the default shop's catalog. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { guardPage, ROOT, SDK_ALLOW, type Guard } from './harness.js';

export interface SdkPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly guard: Guard;
  close(): Promise<void>;
}

/**
 * Opens test/browser/pages/sdk.html in a fresh context (its own empty
 * IndexedDB) with the privacy guard installed before the first request.
 */
export async function openSdkPage(
  browser: Browser,
  origin: string,
  ignoreConsole?: (text: string) => boolean,
  initScript?: string,
): Promise<SdkPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  const guard = await guardPage(page, { origin, allow: SDK_ALLOW }, ignoreConsole);
  await page.goto(`${origin}/pages/sdk.html`);
  await page.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
  return { context, page, guard, close: () => context.close() };
}

export interface ShopItem {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly brand: string;
  readonly price: number;
}

/** The display catalog `npm run bundle:default` writes next to the default bundle. */
export function readShopCatalog(): ShopItem[] {
  return JSON.parse(readFileSync(join(ROOT, 'demo/public/shop/catalog.json'), 'utf8')) as ShopItem[];
}

/** Categories ordered by size, largest first (ties by name), so choices are stable across runs. */
export function categoriesBySize(items: readonly ShopItem[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.category, (counts.get(item.category) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

/** The page-side personalizer's API as the tests use it through `page.evaluate`. */
export interface PageHelpers {
  p: {
    backend: string;
    catalog: readonly string[];
    track(event: Record<string, unknown>): Promise<void>;
    recommend(options: { k: number; exclude?: string }): Promise<{ itemId: string; score: number }[]>;
    rank(ids: readonly string[]): Promise<{ itemId: string; score: number }[]>;
    events(): Promise<unknown[]>;
    forget(): Promise<void>;
    stats(): Promise<{ events: number; backend: string; lastAdaptation: { ms: number; steps: number } | null }>;
    dispose(): Promise<void>;
  };
  create(options?: Record<string, unknown>): Promise<{ backend: string; catalog: string[]; bundleVersion: string }>;
  attempt<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; name: string; code: string; field: string; message: string }>;
  numTensors(): number | null;
}

// `window.h` inside the page, typed for `page.evaluate` callbacks. Callbacks must use
// `window.h`, never an imported binding: Playwright sends the function's source text.
declare global {
  interface Window {
    h: PageHelpers;
  }
}

/** Everything a page's origin holds in client-side storage, as the privacy tests read it back. */
export interface OriginStorage {
  /** Every IndexedDB database with the record count of each of its object stores. */
  readonly databases: { readonly name: string; readonly version: number; readonly records: Record<string, number> }[];
  readonly localStorage: number;
  readonly sessionStorage: number;
  /** Cache Storage caches with their entry counts. */
  readonly caches: Record<string, number>;
}

/** Reads IndexedDB (every database, every store), local/session storage and Cache Storage of the page's origin. */
export function readOriginStorage(page: Page): Promise<OriginStorage> {
  return page.evaluate(async () => {
    const request = <T>(r: IDBRequest<T>): Promise<T> => new Promise((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
    const databases = [];
    for (const info of await indexedDB.databases()) {
      // Open without a version: never upgrades or creates anything.
      const db = await request(indexedDB.open(info.name!));
      const records: Record<string, number> = {};
      for (const store of Array.from(db.objectStoreNames)) records[store] = await request(db.transaction(store).objectStore(store).count());
      db.close();
      databases.push({ name: db.name, version: db.version, records });
    }
    const caches: Record<string, number> = {};
    for (const name of await globalThis.caches.keys()) caches[name] = (await (await globalThis.caches.open(name)).keys()).length;
    return { databases, localStorage: localStorage.length, sessionStorage: sessionStorage.length, caches };
  });
}
