/**
 * Acceptance, issue 8: the integration examples run in Chromium and show
 * personalized recommendations. (a) examples/script-tag: a plain HTML page
 * with only `<script src=".../attune.global.js">`, served as static files
 * from the repository layout it documents (dist/, demo/public/). (b)
 * examples/vite-app: copied into a fresh temporary folder that installs the
 * `npm pack` tarball (its dependencies from the npm cache when it has them)
 * and runs under vite, with attune's worker served from the package.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { guardPage, ROOT, useSdkBrowser } from './harness.js';
import { startDemoServer, type DemoServer } from './demo-server.js';

const run = promisify(execFile);

const env = useSdkBrowser('nogpu', { '/examples/': 'examples', '/demo/public/': 'demo/public' });

describe('examples/script-tag', () => {
  it('loads attune from a script tag, personalizes after clicks and explains why', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const guard = await guardPage(page, { origin: env.server.origin, allow: ['/dist/', '/examples/', '/demo/public/'] });
    await page.goto(`${env.server.origin}/examples/script-tag/index.html`);
    await page.waitForSelector('[data-testid="recs"][data-events="0"]', { timeout: 120_000 });
    expect(await page.evaluate(() => typeof (window as unknown as { Attune?: unknown }).Attune)).toBe('object');
    const { category, initial, after } = await personalize(page);
    expect(initial).toHaveLength(8);
    expect(after.filter((c) => c === category).length).toBeGreaterThanOrEqual(5);
    const reasons = await page.locator('[data-testid="recs"] .why').allTextContents();
    expect(reasons).toHaveLength(8);
    expect(reasons.filter((r) => r.startsWith('Because you clicked')).length).toBeGreaterThanOrEqual(5);
    expect(await page.locator('[data-testid="status"]').textContent()).toMatch(/Backend: (webgpu|webgl|wasm|cpu) · 4 events/);
    await page.screenshot({ path: join(ROOT, 'test-results', 'example-script-tag.png') });
    console.log(`[script-tag] before ${initial.join(', ')}; 4 clicks on ${category}; after ${after.join(', ')}`);
    guard.check();
    await context.close();
  });
});

/** Clicks 4 products of a category the first list barely shows; returns the category and the lists before and after. */
async function personalize(page: Page): Promise<{ category: string; initial: string[]; after: string[] }> {
  const cats = () => page.locator('[data-testid="recs"] li').evaluateAll((els) => els.map((el) => el.getAttribute('data-category') ?? ''));
  const initial = await cats();
  const gridCats = await page.locator('button.product').evaluateAll((els) => els.map((el) => el.getAttribute('data-category') ?? ''));
  const category = gridCats.find((c) => initial.filter((x) => x === c).length <= 1)!;
  expect(category, `every category fills the list: ${initial.join(', ')}`).toBeTruthy();
  const buttons = page.locator(`button.product[data-category="${category}"]`);
  for (let i = 0; i < 4; i++) {
    await buttons.nth(i).click();
    await page.waitForSelector(`[data-testid="recs"][data-events="${i + 1}"]`);
  }
  return { category, initial, after: await cats() };
}

describe('examples/vite-app', () => {
  it('a fresh vite app installs the packed package, imports it and personalizes', async () => {
    const started = performance.now();
    const app = mkdtempSync(join(tmpdir(), 'attune-vite-app-'));
    let server: DemoServer | undefined;
    try {
      for (const file of ['package.json', 'vite.config.js', 'index.html', 'main.js']) copyFileSync(join(ROOT, 'examples', 'vite-app', file), join(app, file));
      cpSync(join(ROOT, 'demo', 'public', 'bundles', 'shop'), join(app, 'public', 'bundles', 'shop'), { recursive: true });
      cpSync(join(ROOT, 'demo', 'public', 'shop', 'catalog.json'), join(app, 'public', 'shop', 'catalog.json'));
      const packed = (await run('npm', ['pack', '--pack-destination', app, '--silent'], { cwd: ROOT })).stdout.trim().split('\n').at(-1)!;
      expect(packed).toMatch(/^attune-[\d.]+\.tgz$/);
      // vite runs from the repository; the app gets only attune and its own dependencies.
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', `./${packed}`], { cwd: app, timeout: 180_000 });
      expect(existsSync(join(app, 'node_modules', 'attune', 'dist', 'attune.js'))).toBe(true);
      expect(existsSync(join(app, 'node_modules', 'attune', 'src'))).toBe(false); // only the files the package ships
      const installedMs = performance.now() - started;
      server = await startDemoServer(app);
      const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const guard = await guardPage(page, { origin: new URL(server.url).origin });
      await page.goto(server.url);
      await page.waitForSelector('[data-testid="recs"][data-events="0"]', { timeout: 120_000 });
      const { category, initial, after } = await personalize(page);
      expect(after.filter((c) => c === category).length).toBeGreaterThanOrEqual(5);
      const reasons = await page.locator('[data-testid="recs"] .why').allTextContents();
      expect(reasons.filter((r) => r.includes('Because you clicked')).length).toBeGreaterThanOrEqual(5);
      // The worker copied out of the package by vite.config.js runs the engine.
      expect(await page.locator('[data-testid="status"]').textContent()).toMatch(/Backend: (webgpu|webgl|wasm|cpu) \(worker\) · 4 events/);
      await page.screenshot({ path: join(ROOT, 'test-results', 'example-vite-app.png') });
      console.log(`[vite-app] pack + install ${(installedMs / 1000).toFixed(1)} s, total ${((performance.now() - started) / 1000).toFixed(1)} s; before ${initial.join(', ')}; 4 clicks on ${category}; after ${after.join(', ')}`);
      guard.check();
      await context.close();
    } finally {
      server?.stop();
      rmSync(app, { recursive: true, force: true });
    }
  });
});
