/**
 * Acceptance, quick start: start the demo exactly as the README says
 * (`npm start`, which builds the default bundle and runs vite), open it in
 * Chromium, click 5 products of one category, and see the "Recommended for
 * you" row dominated by that category.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startNpmStart, type DemoServer } from './demo-server.js';
import { guardPage, launchChromium, ROOT } from './harness.js';

const SCREENSHOTS = join(ROOT, 'test-results');
let server: DemoServer | undefined;
let browser: Browser;
let url = '';

beforeAll(async () => {
  server = await startNpmStart();
  url = server.url;
  browser = await launchChromium('nogpu');
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe('quick start', () => {
  it('npm start serves the demo and 5 clicks in one category personalize "Recommended for you"', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const guard = await guardPage(page, { origin: new URL(url).origin });
    await page.goto(url);
    // Vite optimizes dependencies on the first visit and may reload the page once; wait for the SDK to be up.
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="backend"]')?.textContent ?? '';
      return /webgpu|webgl|wasm|cpu/.test(text);
    }, undefined, { timeout: 180_000 });
    await page.waitForSelector('[data-testid="rec-row"][data-events="0"]');
    await page.waitForTimeout(400); // let the row's entrance animation finish before the picture
    await page.screenshot({ path: join(SCREENSHOTS, 'quick-start-1-fresh.png'), fullPage: false });

    // A category the unpersonalized row barely shows, so the change below is the visitor's doing.
    const initial = await page.locator('[data-testid="rec-item"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-category')));
    const gridCategories = await page.locator('[data-testid="product"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-category')));
    const category = gridCategories.find((c) => initial.filter((x) => x === c).length <= 2);
    expect(category, `every category fills the unpersonalized row: ${initial.join(', ')}`).toBeTruthy();
    const products = page.locator(`[data-testid="product"][data-category="${category}"]`);
    expect(await products.count()).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < 5; i++) await products.nth(i).locator('[data-testid="product-open"]').click();

    // Each click stores view + click; the row re-ranks after every event.
    await page.waitForFunction(() => {
      const row = document.querySelector('[data-testid="rec-row"]');
      return document.querySelector('[data-testid="event-count"]')?.textContent?.trim() === '10' && row?.getAttribute('data-events') === '10';
    }, undefined, { timeout: 60_000 });
    const recCategories = await page.locator('[data-testid="rec-item"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-category')));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SCREENSHOTS, 'quick-start-2-personalized.png'), fullPage: false });
    const backend = await page.locator('[data-testid="backend"]').textContent();
    console.log(`[quick-start] ${url} on ${backend?.trim()}: before ${initial.join(', ')}; clicked 5 × ${category}; after ${recCategories.join(', ')}`);
    expect(recCategories).toHaveLength(10);
    expect(recCategories.filter((c) => c === category).length).toBeGreaterThanOrEqual(7);

    // "Add to cart" is an event too, and the cart counts it.
    await products.nth(0).locator('[data-testid="add-to-cart"]').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="event-count"]')?.textContent?.trim() === '11' && document.querySelector('[data-testid="cart-count"]')?.textContent?.trim() === '1');

    // "Forget me" empties the device.
    await page.locator('[data-testid="forget"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="event-count"]')?.textContent?.trim() === '0');
    expect(await page.locator('[data-testid="status"]').getAttribute('class')).not.toContain('error');

    guard.check();
    await context.close();
  });

  it('"Ask us" answers from the shop FAQ on the device and learns a taught phrasing', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const guard = await guardPage(page, { origin: new URL(url).origin });
    await page.goto(url);
    const input = page.locator('[data-testid="ask-input"]');
    await input.waitFor();
    await page.waitForFunction(() => !(document.querySelector('[data-testid="ask-input"]') as HTMLInputElement | null)?.disabled, undefined, { timeout: 180_000 });
    const ask = async (question: string) => {
      const before = await page.locator('[data-testid="ask-answer"]').textContent();
      await input.fill(question);
      await page.locator('[data-testid="ask-submit"]').click();
      await page.waitForFunction((b) => (document.querySelector('[data-testid="ask-answer"]')?.textContent ?? '') !== b, before);
      return {
        intent: await page.locator('[data-testid="ask-answer"]').getAttribute('data-intent'),
        text: (await page.locator('[data-testid="ask-answer"]').textContent()) ?? '',
      };
    };
    const shipping = await ask('how much does delivery cost');
    expect(shipping.intent).toBe('shipping_cost');
    expect(shipping.text).toContain('Delivery is free above');
    // Markup in a question is shown as text, never parsed.
    const odd = 'my <b>parrot</b> never showed up';
    await ask(odd);
    await page.locator('[data-testid="ask-teach-intent"]').selectOption('order_status');
    await page.locator('[data-testid="ask-teach-submit"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="ask-answer"]')?.getAttribute('data-intent') === 'order_status');
    expect(await page.locator('[data-testid="ask-answer"] b').count()).toBe(0);
    await page.locator('[data-testid="ask"]').screenshot({ path: join(SCREENSHOTS, 'quick-start-3-ask.png') });
    console.log(`[quick-start] ask: "how much does delivery cost" → ${shipping.intent}; taught "${odd}" → order_status`);
    // The taught phrasing persists across a reload (IndexedDB).
    await page.reload();
    await page.waitForFunction(() => !(document.querySelector('[data-testid="ask-input"]') as HTMLInputElement | null)?.disabled, undefined, { timeout: 60_000 });
    expect((await ask(odd)).intent).toBe('order_status');
    guard.check();
    await context.close();
  });
});
