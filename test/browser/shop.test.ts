/**
 * Acceptance: a visitor of the synthetic shop who clicks 5 products of one
 * category gets that category in at least 7 of 10 recommendations, and still
 * does after a page reload (events read back from IndexedDB).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, requireBuild, SDK_MOUNTS, startServer, type StaticServer } from './harness.js';
import { openSdkPage, readShopCatalog, type ShopItem } from './sdk-page.js';

let server: StaticServer;
let browser: Browser;
let catalog: ShopItem[];

beforeAll(async () => {
  requireBuild();
  catalog = readShopCatalog();
  server = await startServer(SDK_MOUNTS);
  browser = await launchChromium('nogpu');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** How many of the recommended ids belong to `category`. */
function countCategory(ids: readonly string[], category: string): number {
  const byId = new Map(catalog.map((item) => [item.id, item.category]));
  return ids.filter((id) => byId.get(id) === category).length;
}

describe('synthetic shop', () => {
  it('for every category: 5 clicks in it → ≥ 7 of 10 recommendations in it, before and after a reload', async () => {
    const categories = [...new Set(catalog.map((item) => item.category))].sort();
    const session = await openSdkPage(browser, server.origin);
    const initial = await session.page.evaluate(async () => {
      await window.h.create();
      return (await window.h.p.recommend({ k: 10 })).map((r) => r.itemId);
    });
    console.log(`[shop] unpersonalized: ${categories.map((c) => `${c} ${countCategory(initial, c)}`).join(', ')}`);
    await session.close();
    for (const category of categories) await checkCategory(category);
  });
});

/** One fresh visitor (own IndexedDB) clicks 5 products of `category`, then reloads the page. */
async function checkCategory(category: string): Promise<void> {
  const session = await openSdkPage(browser, server.origin);
  const { page } = session;
  const clicked = catalog.filter((item) => item.category === category).slice(0, 5).map((item) => item.id);
  expect(clicked).toHaveLength(5);
  const before = await page.evaluate(async (ids) => {
    const { backend } = await window.h.create();
    for (const itemId of ids) {
      await window.h.p.track({ type: 'view', itemId });
      await window.h.p.track({ type: 'click', itemId });
    }
    return { backend, ids: (await window.h.p.recommend({ k: 10 })).map((r) => r.itemId) };
  }, clicked);
  await page.reload();
  const after = await page.evaluate(async () => {
    await window.h.create();
    const events = (await window.h.p.events()).length;
    return { events, ids: (await window.h.p.recommend({ k: 10 })).map((r) => r.itemId) };
  });
  console.log(`[shop] ${category} on ${before.backend}: ${countCategory(before.ids, category)}/10, after reload ${countCategory(after.ids, category)}/10 (${after.events} events read back)`);
  expect(before.ids).toHaveLength(10);
  expect(countCategory(before.ids, category), category).toBeGreaterThanOrEqual(7);
  expect(after.events).toBe(10);
  expect(countCategory(after.ids, category), `${category} after reload`).toBeGreaterThanOrEqual(7);
  session.guard.check();
  await session.close();
}
