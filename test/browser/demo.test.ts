/**
 * Acceptance, issue 8: click through the demo shop in Chromium — click
 * products and see the row change, open "why", see the loss chart, the row
 * before vs after and the backend measurements, delete one stored event,
 * download the data, forget everything — asserting what each step must show
 * and saving a screenshot of each next to quick-start's.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { guardPage, launchChromium, requireBuild, ROOT } from './harness.js';
import { startDemoServer, type DemoServer } from './demo-server.js';

const SCREENSHOTS = join(ROOT, 'test-results');
let server: DemoServer | undefined;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  server = await startDemoServer();
  browser = await launchChromium('nogpu');
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const text = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().textContent().then((t) => (t ?? '').trim());
const attrs = (page: Page, selector: string, name: string) => page.locator(selector).evaluateAll((els, n) => els.map((el) => el.getAttribute(n) ?? ''), name);

/** Waits until the page has re-rendered for `n` stored events (the row, the counter and the panel). */
async function settled(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (count) =>
      document.querySelector('[data-testid="rec-row"]')?.getAttribute('data-events') === String(count) &&
      document.querySelector('[data-testid="event-count"]')?.textContent?.trim() === String(count) &&
      document.querySelector('[data-testid="knows"]')?.getAttribute('data-count') === String(count),
    n,
    { timeout: 60_000 },
  );
}

/** The top of the page (recommendations, "how it learned", the device panel); the product grid below is left out. */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(350); // the row's entrance animation
  await page.screenshot({ path: join(SCREENSHOTS, `demo-${name}.png`) });
}

describe('the demo shows what it learned and what it knows', () => {
  it('click products → the row changes with "why"; delete one event; download; forget everything', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const guard = await guardPage(page, { origin: new URL(server!.url).origin });
    await page.goto(server!.url);
    await page.waitForFunction(() => /webgpu|webgl|wasm|cpu/.test(document.querySelector('[data-testid="backend"]')?.textContent ?? ''), undefined, { timeout: 180_000 });
    await settled(page, 0);

    // Fresh: nothing known, no chart, no "why"; the backend panel lists what 'auto' measured.
    expect(await text(page, 'knows')).toContain('Nothing yet');
    expect(await page.locator('[data-testid="loss-chart"]').getAttribute('data-points')).toBe('0');
    expect(await page.locator('[data-testid="rec-why"]').count()).toBe(0);
    const backend = await text(page, 'backend');
    const chosen = page.locator('[data-testid="choice-row"].chosen');
    if ((await page.locator('[data-testid="choice-row"]').count()) > 0) expect(await chosen.getAttribute('data-backend')).toBe(backend);
    expect(await text(page, 'backend-choice')).toContain(backend);
    await shot(page, '1-fresh');

    // Click 4 products of a category the unpersonalized row barely shows.
    const initial = await attrs(page, '[data-testid="rec-item"]', 'data-item-id');
    const initialCats = await attrs(page, '[data-testid="rec-item"]', 'data-category');
    const gridCats = await attrs(page, '[data-testid="product"]', 'data-category');
    const category = gridCats.find((c) => initialCats.filter((x) => x === c).length <= 2)!;
    expect(category, `every category fills the row: ${initialCats.join(', ')}`).toBeTruthy();
    const products = page.locator(`[data-testid="product"][data-category="${category}"]`);
    const clicked: string[] = [];
    for (let i = 0; i < 4; i++) {
      clicked.push((await products.nth(i).getAttribute('data-item-id'))!);
      await products.nth(i).locator('[data-testid="product-open"]').click();
      await settled(page, 2 * (i + 1)); // view + click each
    }
    const recs = await attrs(page, '[data-testid="rec-item"]', 'data-item-id');
    const recCats = await attrs(page, '[data-testid="rec-item"]', 'data-category');
    expect(recs).toHaveLength(10);
    expect(recs).not.toEqual(initial);
    expect(recCats.filter((c) => c === category).length).toBeGreaterThanOrEqual(6);
    for (const id of clicked) expect(recs).not.toContain(id); // seen items leave the row

    // "Because you …" under every recommendation.
    const reasons = await page.locator('[data-testid="rec-why-reason"]').allTextContents();
    expect(reasons).toHaveLength(10);
    for (const reason of reasons) expect(reason).toMatch(/^(Because you (viewed|clicked) |Popular with shoppers)/);
    expect(reasons.filter((r) => r.startsWith('Because you')).length).toBeGreaterThanOrEqual(6);

    // The loss chart: one point per inner step (plus the start), falling.
    const points = Number(await page.locator('[data-testid="loss-chart"]').getAttribute('data-points'));
    expect(points).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid="loss-chart"] circle').count()).toBe(points);
    const [from, to] = (await text(page, 'loss-caption')).match(/loss (\S+) → (\S+)/)!.slice(1).map(Number);
    expect(to).toBeLessThan(from!);

    // Before vs after the last adaptation: "after" is the row on screen.
    expect(await attrs(page, '[data-testid="row-after"] li', 'data-item-id')).toEqual(recs);
    // "Before" is the row this visit showed with no history; items new in "after" are marked.
    expect(await attrs(page, '[data-testid="row-before"] li', 'data-item-id')).toEqual(initial);
    const entered = await attrs(page, '[data-testid="row-after"] li.moved', 'data-item-id');
    expect(entered).toEqual(recs.filter((id) => !initial.includes(id)));
    expect(entered.length).toBeGreaterThanOrEqual(1);
    await shot(page, '2-personalized');

    // Open "why" on the first recommendation of the clicked category: its evidence is what was clicked.
    const first = page.locator(`[data-testid="rec-item"][data-category="${category}"]`).first();
    const explained = await first.getAttribute('data-item-id');
    await first.locator('[data-testid="rec-why-reason"]').click();
    expect(await first.locator('[data-testid="rec-why"]').getAttribute('open')).not.toBeNull();
    const evidence = await first.locator('[data-testid="rec-why-evidence"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-item-id')));
    expect(evidence.length).toBeGreaterThanOrEqual(1);
    expect(clicked).toContain(evidence[0]);
    expect(await first.locator('[data-testid="rec-why-evidence"]').first().textContent()).toMatch(/similarity [\d.]+ × weight [\d.]+ × recency [\d.]+ = [\d.]+/);
    await first.scrollIntoViewIfNeeded();
    await page.locator('[data-testid="rec-row"]').screenshot({ path: join(SCREENSHOTS, 'demo-3-why.png') });

    // "What attune knows about you": 8 events, newest first; delete the last click.
    const known = await attrs(page, '[data-testid="known-event"]', 'data-event-id');
    expect(known).toHaveLength(8);
    expect((await attrs(page, '[data-testid="known-event"]', 'data-item-id'))[0]).toBe(clicked[3]);
    const doomed = known[0]!;
    await page.locator(`[data-testid="known-event"][data-event-id="${doomed}"] [data-testid="known-delete"]`).click();
    await settled(page, 7);
    expect(await attrs(page, '[data-testid="known-event"]', 'data-event-id')).toEqual(known.slice(1));
    expect(await page.locator(`[data-testid="rec-why-evidence"][data-event-id="${doomed}"]`).count()).toBe(0);
    expect(await text(page, 'status')).toContain('Deleted');
    await page.locator('aside.panel').screenshot({ path: join(SCREENSHOTS, 'demo-4-deleted-one.png') });

    // Download my data: the JSON holds exactly the 7 events left.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download"]').click()]);
    expect(download.suggestedFilename()).toBe('attune-my-data.json');
    const data = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { format: string; events: { id: number }[] };
    expect(data.format).toBe('attune-visitor-data');
    expect(data.events.map((e) => String(e.id)).sort()).toEqual(known.slice(1).sort());

    // Forget everything: no events, no "why", no chart; the row is the initialization's again.
    await page.locator('[data-testid="forget"]').click();
    await settled(page, 0);
    expect(await text(page, 'knows')).toContain('Nothing yet');
    expect(await page.locator('[data-testid="rec-why"]').count()).toBe(0);
    expect(await page.locator('[data-testid="loss-chart"]').getAttribute('data-points')).toBe('0');
    expect(await attrs(page, '[data-testid="rec-item"]', 'data-item-id')).toEqual(initial);
    expect(await page.locator('[data-testid="product"].seen').count()).toBe(0);
    await shot(page, '5-forgotten');

    console.log(`[demo] ${backend}: clicked ${clicked.join(', ')} (${category}); why(${explained}) → ${evidence.join(', ')}; loss ${from} → ${to} in ${points - 1} steps`);
    guard.check();
    await context.close();
  });
});

/** `npm run bundle:movielens` writes it when MovieLens-100K is present (ATTUNE_DATA); `npm test` does not build it, so without it this is skipped. */
const hasMovielens = existsSync(join(ROOT, 'demo', 'public', 'bundles', 'movielens', 'manifest.json')) && existsSync(join(ROOT, 'demo', 'public', 'movielens', 'catalog.json'));

if (!hasMovielens) console.log('[demo] MovieLens catalog test skipped: run `npm run bundle:movielens` (needs MovieLens-100K) to include it');

describe('the demo\'s MovieLens catalog', () => {
  it.skipIf(!hasMovielens)('?catalog=movielens: ratings re-rank the row toward the loved genre and away from the disliked one, explained by the ratings', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const guard = await guardPage(page, { origin: new URL(server!.url).origin });
    await page.goto(`${server!.url}?catalog=movielens`);
    await page.waitForFunction(() => /webgpu|webgl|wasm|cpu/.test(document.querySelector('[data-testid="backend"]')?.textContent ?? ''), undefined, { timeout: 180_000 });
    await settled(page, 0);
    expect(await page.locator('[data-testid="catalog-movielens"]').getAttribute('aria-current')).toBe('page');
    const initial = await attrs(page, '[data-testid="rec-item"]', 'data-category');
    // Ratings teach by contrast (all-5s only lift every film alike): love 4 films of a genre the row
    // barely shows, dislike 4 of the genre it shows most.
    const genres = await attrs(page, '[data-testid="product"]', 'data-category');
    const count = (list: string[], g: string) => list.filter((x) => x === g).length;
    const disliked = [...new Set(initial)].sort((a, b) => count(initial, b) - count(initial, a))[0]!;
    const loved = [...new Set(genres)].find((g) => count(initial, g) <= 1 && count(genres, g) >= 20)!;
    expect(loved).toBeTruthy();
    for (let i = 0; i < 4; i++) {
      await page.locator(`[data-testid="product"][data-category="${loved}"]`).nth(i).locator('[data-testid="product-open"]').click();
      await settled(page, 2 * i + 1);
      await page.locator(`[data-testid="product"][data-category="${disliked}"]`).nth(i).locator('[data-testid="add-to-cart"]').click();
      await settled(page, 2 * i + 2);
    }
    const after = await attrs(page, '[data-testid="rec-item"]', 'data-category');
    expect(count(after, loved) - count(after, disliked)).toBeGreaterThan(count(initial, loved) - count(initial, disliked));
    const reasons = await page.locator('[data-testid="rec-why-reason"]').allTextContents();
    expect(reasons.some((r) => r.startsWith('Because you rated '))).toBe(true);
    expect(new Set(await attrs(page, '[data-testid="known-event"]', 'data-type'))).toEqual(new Set(['rating']));
    expect(await page.locator('[data-testid="known-event"]').count()).toBe(8);
    await shot(page, '6-movielens');
    console.log(`[demo] movielens: 4 × ${loved} rated 5, 4 × ${disliked} rated 1; row genres before ${initial.join(', ')}; after ${after.join(', ')}`);
    guard.check();
    await context.close();
  });
});
