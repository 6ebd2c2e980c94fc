import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, BackendError } from 'attune';
import { backendOrder, selectBackend } from '../../../src/engine/backends.js';
import { topK } from '../../../src/engine/top-k.js';

describe('backend selection (Node: no GPU, so webgpu and webgl must fall through)', () => {
  const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  afterEach(() => {
    if (nav) Object.defineProperty(globalThis, 'navigator', nav);
    else delete (globalThis as { navigator?: unknown }).navigator;
  });

  it('orders backends and rejects unknown names', () => {
    expect(backendOrder('auto')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(backendOrder('wasm')).toEqual(['wasm']);
    expect(backendOrder(['cpu', 'wasm', 'cpu'])).toEqual(['cpu', 'wasm']);
    expect(() => backendOrder('gpu')).toThrow(InvalidInputError);
    expect(() => backendOrder([])).toThrow(InvalidInputError);
    expect(() => backendOrder(['cpu', 'tpu'])).toThrow(InvalidInputError);
  });

  it('skips webgpu without navigator.gpu and without an adapter, and webgl when setBackend fails, ending on cpu', async () => {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
    const first = await selectBackend(['webgpu', 'webgl', 'cpu']);
    expect(first.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(first.attempts.map((a) => [a.name, a.ok])).toEqual([['webgpu', false], ['webgl', false], ['cpu', true]]);
    expect(first.attempts[0]!.reason).toMatch(/navigator\.gpu is missing/);
    expect(first.attempts[1]!.reason).toMatch(/setBackend (threw|returned false)/);

    Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter: async () => null } }, configurable: true });
    const second = await selectBackend(['webgpu', 'cpu']);
    expect(second.attempts[0]!.reason).toMatch(/no adapter/);
    expect(second.backend).toBe('cpu');
  });

  it('serializes concurrent switches and fails with BackendError when nothing starts', async () => {
    const results = await Promise.allSettled([selectBackend(['webgl']), selectBackend(['cpu']), selectBackend(['webgl', 'cpu'])]);
    expect(results[0]!.status).toBe('rejected');
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(BackendError);
    expect(results.slice(1).map((r) => (r as PromiseFulfilledResult<{ backend: string }>).value.backend)).toEqual(['cpu', 'cpu']);
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('topK', () => {
  it('returns the best k rows, best first, skipping excluded and non-finite scores', () => {
    const scores = Float32Array.from([0.1, 5, NaN, 3, 3, -2, 9]);
    expect(topK(scores, 3)).toEqual([6, 1, 3]);
    expect(topK(scores, 3, new Set([6]))).toEqual([1, 3, 4]);
    expect(topK(scores, 100)).toEqual([6, 1, 3, 4, 0, 5]);
    expect(topK(scores, 0)).toEqual([]);
  });
  it('agrees with a full sort on random data', () => {
    const scores = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const sorted = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b);
    expect(topK(scores, 25)).toEqual(sorted.slice(0, 25));
  });
});
