import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, DEFAULT_FEATURIZER } from 'attune';
import { initEncoder, writeIntentBundle } from 'attune/node';
import { fileFetch } from './bundle-fetch.js';

const config = { featurizer: { ...DEFAULT_FEATURIZER, buckets: 1 << 12 }, rows: 256, dim: 16, hidden: 16 };
let dir = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'attune-assistant-'));
  // An untrained encoder: the head's TF-IDF features alone must already separate clearly different intents.
  const params = initEncoder(config, 2);
  await writeIntentBundle(dir, {
    config, params, idf: new Float32Array(1 << 12).fill(1), prior: true, inner: { steps: 5, lr: 0.02 }, threshold: 0.5,
    intents: [{ name: 'shipping', examples: ['how much is shipping', 'delivery cost', 'do you ship abroad'] }],
  });
  tf.dispose(params);
});

const open = (dbName: string, storage?: 'memory') => createAssistant({ bundle: 'http://a/', fetch: fileFetch('http://a/', dir), backend: 'cpu', dbName, ...(storage ? { storage } : {}) });

describe('createAssistant (Node, cpu, fake-indexeddb)', () => {
  it('adds intents, teaches, persists across instances, forgets, and leaks no tensors', async () => {
    const tensors = tf.memory().numTensors;
    const a = await open('persist');
    expect(a.storage).toBe('indexeddb');
    expect(a.intents()).toEqual(['shipping']);
    await a.addIntent('returns', ['how do I return an item', 'send it back for a refund', 'return label']);
    const ship = await a.answer('what does delivery cost');
    expect(ship.intent).toBe('shipping');
    expect(ship.alternatives.map((x) => x.intent)).toEqual(['returns']);
    await a.teach('the parcel came broken', 'returns');
    expect((await a.answer('the parcel came broken')).intent).toBe('returns');
    await expect(a.teach('x', 'nope')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(a.addIntent('', ['x'])).rejects.toMatchObject({ code: 'invalid-input' });
    await a.dispose();
    await expect(a.answer('hi')).rejects.toMatchObject({ code: 'disposed' });

    const b = await open('persist');
    expect([...b.intents()].sort()).toEqual(['returns', 'shipping']);
    expect((await b.answer('the parcel came broken')).intent).toBe('returns');
    await b.forget();
    expect(b.intents()).toEqual(['shipping']);
    await b.dispose();
    const c = await open('persist');
    expect(c.intents()).toEqual(['shipping']);
    await c.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('hands over (out of scope, intent null) when the top probability is below the threshold', async () => {
    const a = await createAssistant({ bundle: 'http://a/', fetch: fileFetch('http://a/', dir), backend: 'cpu', storage: 'memory', threshold: 0.9 });
    await a.addIntent('returns', ['how do I return an item', 'return label']);
    // Shares no n-gram with either intent: the two probabilities stay close, far below 0.9.
    const off = await a.answer('zebra quantum violin');
    expect(off).toMatchObject({ intent: null, outOfScope: true });
    expect(off.confidence).toBeLessThan(0.9);
    expect(off.alternatives.map((x) => x.intent).sort()).toEqual(['returns', 'shipping']);
    const on = await a.answer('how much is shipping');
    expect(on).toMatchObject({ intent: 'shipping', outOfScope: false });
    // Taught: the same question (any case or punctuation) is now answered with what the visitor said it means.
    await a.teach('zebra quantum violin', 'returns');
    expect(await a.answer('Zebra, quantum  VIOLIN!')).toMatchObject({ intent: 'returns', confidence: 1, outOfScope: false });
    expect((await a.answer('Zebra, quantum  VIOLIN!')).alternatives.map((x) => x.intent)).toEqual(['shipping']);
    await a.dispose();
  });

  it('consent: false writes nothing; exportData() returns what was added and taught; misspelt options are rejected', async () => {
    const before = (await indexedDB.databases()).map((d) => d.name);
    const a = await createAssistant({ bundle: 'http://a/', fetch: fileFetch('http://a/', dir), backend: 'cpu', dbName: 'no-consent', consent: false });
    expect(a.storage).toBe('memory');
    await a.addIntent('returns', ['how do I return an item']);
    await a.teach('the parcel came broken', 'returns');
    const data = await a.exportData();
    expect(data).toMatchObject({ format: 'attune-assistant-data', version: 1, storage: 'memory' });
    expect(data.examples.map((e) => [e.intent, e.text, e.source])).toEqual([['returns', 'how do I return an item', 'added'], ['returns', 'the parcel came broken', 'taught']]);
    await a.dispose();
    expect((await indexedDB.databases()).map((d) => d.name)).toEqual(before);
    await expect(a.answer('hi')).rejects.toThrow('this assistant was disposed');
    await expect(createAssistant({ bundle: 'http://a/', fetch: fileFetch('http://a/', dir), treshold: 0.9 } as never)).rejects.toMatchObject({ code: 'invalid-input', field: 'treshold' });
    await expect(createAssistant({ bundle: 'http://a/', fetch: fileFetch('http://a/', dir), consent: 'no' } as never)).rejects.toMatchObject({ code: 'invalid-input', field: 'consent' });
  });

  it('an empty bundle URL or database name is bad input, as for createPersonalizer: nothing is fetched, no database is made', async () => {
    const before = (await indexedDB.databases()).map((d) => d.name);
    let fetched = 0;
    const fetch = (async (...args: Parameters<typeof globalThis.fetch>) => (fetched++, fileFetch('http://a/', dir)(...args))) as typeof globalThis.fetch;
    await expect(createAssistant({ bundle: '', fetch })).rejects.toMatchObject({ code: 'invalid-input', field: 'bundle' });
    await expect(createAssistant({ fetch } as never)).rejects.toMatchObject({ code: 'invalid-input', field: 'bundle' });
    await expect(createAssistant({ bundle: 'http://a/', fetch, dbName: '' })).rejects.toMatchObject({ code: 'invalid-input', field: 'dbName' });
    await expect(createAssistant({ bundle: 'http://a/', fetch, dbName: 7 } as never)).rejects.toMatchObject({ code: 'invalid-input', field: 'dbName' });
    expect(fetched).toBe(0);
    expect((await indexedDB.databases()).map((d) => d.name)).toEqual(before);
  });
});
