/**
 * The SDK-level half of `npm run bench`: the built script-tag package
 * (dist/attune.global.js, engine in its worker unless `worker: false`) on
 * test/browser/pages/sdk.html. Functions here drive one page each.
 */
import type { Browser } from 'playwright-core';

export interface SdkRun {
  readonly backend: string;
  readonly mode: string;
  /** createPersonalizer (bundle fetch + verify, worker, backend start, upload) + first track → recommend, ms. */
  readonly firstMs: number;
  /** One `track()` followed by a `recommend()` that reflects it, ms. */
  readonly cycleMs: number[];
}

/** First-call latency and track → recommend cycles on a fresh page (empty IndexedDB). */
export async function sdkRun(browser: Browser, origin: string, bundle: string, backend: string, cycles: number): Promise<SdkRun> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/pages/sdk.html`);
  const result = await page.evaluate(
    async ({ bundle, backend, cycles }) => {
      const A = (window as unknown as { Attune: { createPersonalizer(o: object): Promise<any> } }).Attune;
      const t0 = performance.now();
      const p = await A.createPersonalizer({ bundle, backend, wasmPaths: '/dist/' });
      await p.track({ type: 'click', itemId: p.catalog[0] });
      await p.recommend({ k: 10 });
      const firstMs = performance.now() - t0;
      const cycleMs: number[] = [];
      for (let i = 1; i <= cycles; i++) {
        const a = performance.now();
        await p.track({ type: i % 3 ? 'click' : 'add_to_cart', itemId: p.catalog[(i * 7919) % p.catalog.length] });
        await p.recommend({ k: 10 });
        cycleMs.push(performance.now() - a);
      }
      const d = await p.diagnostics();
      await p.dispose();
      return { backend: d.backend as string, mode: d.mode as string, firstMs, cycleMs };
    },
    { bundle, backend, cycles },
  );
  await context.close();
  return result;
}

export interface SoakRun {
  readonly cycles: number;
  readonly mode: string;
  readonly backend: string;
  /** Sampled every `every` cycles: cycle index, live tensors, JS heap after GC (bytes). */
  readonly samples: { cycle: number; tensors: number; heap: number }[];
  readonly ms: number;
}

/**
 * `cycles` track → recommend cycles with `worker: false`, so the SDK and its
 * engine share the page's heap, which the DevTools protocol measures (after a
 * forced GC) every `every` cycles. Workers do not expose their heap to the
 * page, so the worker mode's tensor count is what the leak tests check.
 */
export async function soakRun(browser: Browser, origin: string, bundle: string, backend: string, cycles: number, every: number): Promise<SoakRun> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(`${origin}/pages/sdk.html`);
  await page.evaluate(
    async ({ bundle, backend }) => {
      const A = (window as unknown as { Attune: { createPersonalizer(o: object): Promise<unknown> } }).Attune;
      (window as unknown as { soak: unknown }).soak = await A.createPersonalizer({ bundle, backend, wasmPaths: '/dist/', worker: false });
    },
    { bundle, backend },
  );
  const samples: { cycle: number; tensors: number; heap: number }[] = [];
  const t0 = Date.now();
  for (let done = 0; done <= cycles; done += every) {
    const tensors = await page.evaluate(
      async ({ from, count }) => {
        const p = (window as unknown as { soak: any }).soak;
        for (let i = from; i < from + count; i++) {
          // A visitor's interests are bounded: 1,000 distinct items, so the history mirror stops growing.
          await p.track({ type: i % 3 ? 'click' : 'add_to_cart', itemId: p.catalog[(i * 7919) % 1000] });
          await p.recommend({ k: 10 });
        }
        return (await p.diagnostics()).memory.numTensors as number;
      },
      { from: done, count: done === 0 ? 1 : every },
    );
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    samples.push({ cycle: done, tensors, heap: usedSize });
  }
  const ms = Date.now() - t0;
  const d = await page.evaluate(async () => {
    const p = (window as unknown as { soak: any }).soak;
    const out = await p.diagnostics();
    await p.dispose();
    return { mode: out.mode as string, backend: out.backend as string };
  });
  await context.close();
  return { cycles, ...d, samples, ms };
}
