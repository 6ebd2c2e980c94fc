/**
 * A shop tracks the click on a product link and the browser leaves the page
 * at once. The click must still be stored: a navigation closes the page's
 * IndexedDB connection and aborts any transaction that was not committed yet
 * (before the fix, 8 of 10 link clicks were lost), so each event's
 * transaction is committed in the task that called track().
 */
import { describe, expect, it } from 'vitest';
import { useSdkBrowser } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');
const DB = 'attune-navigation';

describe('leaving the page right after track()', () => {
  it('a tracked click on a link that navigates away is stored, every time', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const { page } = session;
    const CLICKS = 8;
    for (let i = 0; i < CLICKS; i++) {
      // The handler is the README's: track() is called and not awaited, and the link's navigation goes ahead.
      await page.evaluate(async (db) => {
        const { catalog } = await window.h.create({ dbName: db });
        const a = Object.assign(document.createElement('a'), { href: '/pages/sdk.html?next', id: 'product', textContent: 'product' });
        a.addEventListener('click', () => void window.h.p.track({ type: 'click', itemId: catalog[3]! }));
        document.body.append(a);
      }, DB);
      await Promise.all([page.waitForURL('**/sdk.html?next'), page.click('#product')]);
      await page.goto(`${env.server.origin}/pages/sdk.html`);
      await page.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
    }
    const stored = await page.evaluate(async (db) => {
      await window.h.create({ dbName: db });
      const events = await window.h.p.events();
      await window.h.p.dispose();
      return events.length;
    }, DB);
    expect(stored).toBe(CLICKS);
    session.guard.check();
    await session.close();
  });

  it('20 track() calls not awaited, then a reload: all 20 are stored', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    const { page } = session;
    await page.evaluate(async (db) => {
      const { catalog } = await window.h.create({ dbName: db });
      for (let i = 0; i < 20; i++) void window.h.p.track({ type: 'view', itemId: catalog[i]! });
    }, `${DB}-burst`);
    await page.reload();
    await page.waitForFunction(() => typeof (window as unknown as { Attune?: unknown }).Attune === 'object');
    const stored = await page.evaluate(async (db) => {
      await window.h.create({ dbName: db });
      const events = (await window.h.p.events()) as { itemId: string }[];
      await window.h.p.dispose();
      return new Set(events.map((e) => e.itemId)).size;
    }, `${DB}-burst`);
    expect(stored).toBe(20);
    session.guard.check();
    await session.close();
  });
});
