import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../../src/bundle/read.js';
import { createEngine, type BackendChoice, type ChoiceCache } from '../../../src/engine/engine.js';
import { fastest, type BackendMeasurement } from '../../../src/engine/auto.js';
import { createChoiceCache } from '../../../src/store/backend-choice.js';
import { BASE, makeFixture } from './fixture.js';

function memoryCache(): ChoiceCache & { puts: number } {
  const map = new Map<string, BackendChoice>();
  const cache = {
    puts: 0,
    get: async (version: string, device: string) => map.get(`${version}\n${device}`),
    put: async (choice: BackendChoice) => {
      cache.puts++;
      map.set(`${choice.bundleVersion}\n${choice.device}`, choice);
    },
  };
  return cache;
}

describe("backend 'auto': choose the fastest sound backend by measurement (Node: cpu and wasm)", () => {
  it('measures every candidate, refuses those that cannot start, caches the choice and reuses it', async () => {
    const fx = await makeFixture();
    const bundle = await loadBundle(BASE, { fetch: fx.fetch });
    const cache = memoryCache();
    const first = await createEngine(bundle, { backend: ['webgpu', 'webgl', 'wasm', 'cpu'], choose: 'fastest', cache });
    const choice = first.choice!;
    expect(choice.cached).toBe(false);
    expect(choice.measurements.map((m) => m.backend)).toEqual(['cpu', 'webgpu', 'webgl', 'wasm']);
    const byName = new Map(choice.measurements.map((m) => [m.backend, m]));
    expect(byName.get('webgpu')!.ok).toBe(false);
    expect(byName.get('webgl')!.ok).toBe(false);
    for (const name of ['cpu', 'wasm'] as const) {
      const m = byName.get(name)!;
      expect(m.ok, m.reason).toBe(true);
      expect(m.adaptMs).toBeGreaterThan(0);
      expect(m.deviation).toBeLessThanOrEqual(1);
    }
    expect(first.backend).toBe(fastest(choice.measurements)!.backend);
    // Both inner loops were timed on each sound backend; the engine adapts with the faster one.
    expect(byName.get('cpu')!.adaptMsByLoop).toEqual({ js: expect.any(Number), tfjs: expect.any(Number) });
    expect(choice.innerLoop).toBe(fastest(choice.measurements)!.innerLoop);
    expect(cache.puts).toBe(1);
    first.dispose();

    const second = await createEngine(bundle, { backend: ['webgpu', 'webgl', 'wasm', 'cpu'], choose: 'fastest', cache });
    expect(second.choice).toMatchObject({ cached: true, backend: choice.backend });
    expect(cache.puts).toBe(1);
    second.dispose();
  });

  it('keeps choices in IndexedDB per bundle version and device', async () => {
    const cache = createChoiceCache(`auto-test-${process.pid}`)!;
    const choice: BackendChoice = { backend: 'wasm', innerLoop: 'tfjs', cached: false, bundleVersion: 'v1', device: 'dev', measuredAt: 1, measurements: [] };
    await cache.put(choice);
    expect(await cache.get('v1', 'dev')).toEqual(choice);
    expect(await cache.get('v2', 'dev')).toBeUndefined();
    expect(await cache.get('v1', 'other gpu')).toBeUndefined();
  });

  it('re-measures when the bundle version or the GPU adapter changes (IndexedDB cache, end to end)', async () => {
    const fx = await makeFixture();
    const bundle = await loadBundle(BASE, { fetch: fx.fetch });
    const cache = createChoiceCache(`auto-invalidate-${process.pid}`)!;
    // describeDevice() reads the WebGPU adapter from navigator.gpu; Node has none, so fake one whose adapter we can swap.
    let adapter = { vendor: 'vendor-a', architecture: 'arch-1', device: 'gpu-1', description: 'GPU One' };
    const hadNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      value: { userAgent: 'test-agent', hardwareConcurrency: 2, gpu: { requestAdapter: async () => ({ info: adapter }) } },
    });
    const choiceOf = async (b: typeof bundle): Promise<BackendChoice> => {
      const engine = await createEngine(b, { backend: ['cpu'], choose: 'fastest', cache });
      const choice = engine.choice!;
      engine.dispose();
      return choice;
    };
    try {
      const first = await choiceOf(bundle);
      expect(first).toMatchObject({ cached: false, backend: 'cpu', bundleVersion: bundle.manifest.version });
      expect(first.device).toContain('webgpu: vendor-a arch-1 gpu-1 GPU One');
      expect(await choiceOf(bundle)).toMatchObject({ cached: true, measuredAt: first.measuredAt });

      // A new bundle version: measured again, and the new choice is cached under the new key.
      const next = { ...bundle, manifest: { ...bundle.manifest, version: `${bundle.manifest.version}-next` } };
      const afterUpdate = await choiceOf(next);
      expect(afterUpdate).toMatchObject({ cached: false, bundleVersion: `${bundle.manifest.version}-next` });
      expect(await choiceOf(next)).toMatchObject({ cached: true });

      // Another GPU adapter (same bundle): the device key changes, so it is measured again.
      adapter = { vendor: 'vendor-b', architecture: 'arch-2', device: 'gpu-2', description: 'GPU Two' };
      const otherGpu = await choiceOf(bundle);
      expect(otherGpu.cached).toBe(false);
      expect(otherGpu.device).toContain('webgpu: vendor-b arch-2 gpu-2 GPU Two');
      expect(otherGpu.device).not.toBe(first.device);
      expect(await choiceOf(bundle)).toMatchObject({ cached: true, device: otherGpu.device });
    } finally {
      if (hadNavigator) Object.defineProperty(globalThis, 'navigator', hadNavigator);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });

  it('fastest() ignores unsound measurements and compares adapt + rank', () => {
    const m = (backend: BackendMeasurement['backend'], ok: boolean, adaptMs: number, rankMs: number): BackendMeasurement => ({ backend, ok, firstMs: 1, adaptMs, rankMs });
    expect(fastest([m('cpu', true, 5, 5), m('webgl', false, 1, 1), m('wasm', true, 3, 4)])!.backend).toBe('wasm');
    expect(fastest([m('cpu', false, 5, 5)])).toBeUndefined();
  });
});
