/**
 * Acceptance, privacy: every request a page makes goes through the guard
 * (test/browser/harness.ts), which every browser test checks. Here: the guard
 * itself catches what it must, and a whole SDK session requests nothing but
 * the page, the built package and the bundle files.
 */
import { describe, expect, it } from 'vitest';
import { useSdkBrowser } from './harness.js';
import { openSdkPage } from './sdk-page.js';

const env = useSdkBrowser('nogpu');

describe('privacy', () => {
  it('a whole session (create, track, recommend, rank, forget) requests only the page, dist/ and the bundle', async () => {
    const session = await openSdkPage(env.browser, env.server.origin);
    await session.page.evaluate(async () => {
      const { catalog } = await window.h.create();
      for (const itemId of catalog.slice(0, 4)) await window.h.p.track({ type: 'add_to_cart', itemId });
      await window.h.p.recommend({ k: 5 });
      await window.h.p.rank(catalog.slice(0, 20));
      await window.h.p.forget();
      await window.h.p.dispose();
    });
    const paths = session.guard.requests.map((line) => {
      const [method, url] = line.split(' ');
      return `${method} ${new URL(url as string).pathname}`;
    });
    console.log(`[privacy] requests: ${paths.join(', ')}`);
    for (const path of paths) expect(path).toMatch(/^GET \/(pages\/sdk\.html|dist\/(attune-(worker|backends)\/)?[\w.-]+|bundles\/shop\/(manifest\.json|[\w.-]+\.bin))$/);
    expect(paths).toContain('GET /bundles/shop/manifest.json');
    session.guard.check();
    await session.close();
  });

  it('the guard blocks and reports other hosts, other paths and non-GET requests', async () => {
    const session = await openSdkPage(env.browser, env.server.origin, (text) => text.includes('ERR_BLOCKED_BY_CLIENT'));
    const outcomes = await session.page.evaluate(async () => {
      const attempt = (url: string, init?: RequestInit) => fetch(url, init).then((r) => `status ${r.status}`, () => 'failed');
      return [
        await attempt('https://example.com/collect'),
        await attempt('/pages/sdk.html', { method: 'POST', body: 'x' }),
        await attempt('/elsewhere/beacon.gif'),
        await attempt('http://localhost:9/'),
      ];
    });
    expect(outcomes).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(session.guard.blocked).toHaveLength(4);
    expect(() => session.guard.check()).toThrow(/privacy guard/);
    await session.close();
  });
});
