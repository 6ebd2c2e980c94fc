import { loadIntentBundle, type BundleProgress } from './bundle/read.js';
import { backendOrder, selectBackend, type BackendName, type BackendPreference } from './engine/backends.js';
import { defaultWasmPaths, type WasmPaths } from './engine/wasm-paths.js';
import { DisposedError, InvalidInputError } from './errors.js';
import { createIntentClassifier } from './assistant/classifier.js';
import { createIdbExampleStore, createMemoryExampleStore, type ExampleStore, type IntentExample } from './assistant/store.js';
import { checkKeys, checkString } from './events.js';
import { normalizeText } from './text/normalize.js';

/**
 * Options of `createAssistant`; only `bundle` is required.
 *
 * @example
 * await createAssistant({ bundle: '/bundles/faq/', threshold: 0.5, dbName: 'attune-faq-shop-a' });
 */
export interface AssistantOptions {
  /**
   * URL of an intent bundle folder (kind "intent", e.g. from `attune train-intents`).
   *
   * @example
   * await createAssistant({ bundle: 'https://cdn.example.com/attune/faq/' });
   */
  readonly bundle: string;
  /**
   * tfjs backend, as for `createPersonalizer`. Default 'auto'.
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', backend: 'cpu' });
   */
  readonly backend?: BackendPreference;
  /**
   * Where added intents and taught phrasings persist. Default 'indexeddb' (falls back to memory only if you ask for it).
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', storage: 'memory' });
   */
  readonly storage?: 'indexeddb' | 'memory';
  /**
   * false: the visitor has not agreed to storage — nothing is written on the
   * device (taught phrasings live in memory until the page closes), as for
   * `createPersonalizer`. Default true.
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', consent: false });
   */
  readonly consent?: boolean;
  /**
   * IndexedDB database name. Default 'attune-assistant'.
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', dbName: 'attune-assistant-outdoor' });
   */
  readonly dbName?: string;
  /**
   * Where tfjs-backend-wasm's `.wasm` files are served, as for `createPersonalizer`.
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', wasmPaths: '/static/attune/' });
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * Override the bundle's calibrated out-of-scope threshold (top probability below it → out of scope).
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', threshold: 0.6 });
   */
  readonly threshold?: number;
  /**
   * Fetch used for the bundle (injectable for tests).
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', fetch: (url, init) => fetch(url, { ...init, cache: 'no-cache' }) });
   */
  readonly fetch?: typeof fetch;
  /**
   * Called as each bundle file arrives and checks out.
   *
   * @example
   * await createAssistant({ bundle: '/bundles/faq/', onProgress: (p) => (status.textContent = `Loading ${p.file} (${p.filesDone}/${p.filesTotal})`) });
   */
  readonly onProgress?: (progress: BundleProgress) => void;
}

/**
 * What `answer()` returns.
 *
 * @example
 * const { intent, confidence, outOfScope } = await assistant.answer('where is my parcel?');
 */
export interface Answer {
  /** The best intent, or null when out of scope (or no intents yet). */
  readonly intent: string | null;
  /** Probability of the best intent (0 when there are no intents). */
  readonly confidence: number;
  /** The next intents by probability (up to 3), after the best one. */
  readonly alternatives: readonly {
    /** An intent name. */
    readonly intent: string;
    /** Its probability. */
    readonly confidence: number;
  }[];
  /** True when the assistant is not sure: hand over to a person. */
  readonly outOfScope: boolean;
}

/** The on-device Q&A assistant from `createAssistant`: classifies questions into the shop's intents and learns new phrasings. */
export interface Assistant {
  /** The tfjs backend that runs the encoder. */
  readonly backend: BackendName;
  /** The intent bundle's `version`. */
  readonly bundleVersion: string;
  /** Where added intents and taught phrasings are kept. */
  readonly storage: 'indexeddb' | 'memory';
  /**
   * Adds (or extends) an intent with example questions; persisted.
   *
   * @example
   * await assistant.addIntent('gift_wrap', ['do you gift wrap?', 'can I add a gift message?']);
   */
  addIntent(name: string, examples: readonly string[]): Promise<void>;
  /**
   * Records that `question` means `intent` (an intent that exists); persisted,
   * used from the next answer on: the same question (after normalization:
   * case, accents, punctuation) is answered with `intent`, and the phrasing
   * joins that intent's examples, so similar questions move towards it too.
   *
   * @example
   * await assistant.teach('wheres my stuff', 'order_status');
   */
  teach(question: string, intent: string): Promise<void>;
  /**
   * Classifies a question on the device.
   *
   * @example
   * const a = await assistant.answer('how long does shipping take?');
   * reply.textContent = a.outOfScope ? 'Let me connect you with a person.' : answers[a.intent!];
   */
  answer(question: string): Promise<Answer>;
  /**
   * Every intent name the assistant knows (bundle starters and added ones).
   *
   * @example
   * select.replaceChildren(...assistant.intents().map((name) => new Option(name)));
   */
  intents(): readonly string[];
  /**
   * Everything added or taught on this device, as JSON you can show or download (the bundle's starters are not included).
   *
   * @example
   * const data = await assistant.exportData();
   * console.log(data.examples.length);
   */
  exportData(): Promise<AssistantData>;
  /**
   * Deletes everything added or taught on this device; the bundle's starter intents remain.
   *
   * @example
   * await assistant.forget();
   */
  forget(): Promise<void>;
  /**
   * Frees the encoder's tensors and closes storage; afterwards calls reject with DisposedError.
   *
   * @example
   * await assistant.dispose();
   */
  dispose(): Promise<void>;
}

/**
 * What `exportData()` returns: format `attune-assistant-data`, version 1.
 *
 * @example
 * const { examples } = await assistant.exportData();
 */
export interface AssistantData {
  /** Always `'attune-assistant-data'`. */
  readonly format: 'attune-assistant-data';
  /** The format version. */
  readonly version: 1;
  /** The intent bundle the examples were used with. */
  readonly bundleVersion: string;
  /** Where the examples are kept. */
  readonly storage: 'indexeddb' | 'memory';
  /** Every example added (`source: 'added'`) or taught (`'taught'`), oldest first, with `storedAt` (ms since epoch). */
  readonly examples: readonly IntentExample[];
}

const ASSISTANT_OPTIONS = ['bundle', 'backend', 'storage', 'consent', 'dbName', 'wasmPaths', 'threshold', 'fetch', 'onProgress'] as const;

const checkText = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value.trim().length === 0) throw new InvalidInputError(field, 'must be a non-empty string');
  if (value.length > 2000) throw new InvalidInputError(field, `is ${value.length} characters; at most 2000`);
  return value;
};

/**
 * Creates the on-device Q&A assistant: loads and verifies an intent bundle,
 * picks a backend, restores the shop's intents and taught phrasings from
 * IndexedDB. Questions never leave the device; the only request is the bundle.
 *
 * @example
 * const assistant = await createAssistant({ bundle: '/bundles/faq/' });
 * const { intent, outOfScope } = await assistant.answer('Can I return shoes I wore once?');
 */
export async function createAssistant(options: AssistantOptions): Promise<Assistant> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidInputError('options', 'must be an object with at least `bundle`');
  checkKeys(options, ASSISTANT_OPTIONS);
  const bundleUrl = checkString(options, 'bundle', '', 4096);
  const dbName = checkString(options, 'dbName', 'attune-assistant', 256);
  const consent = options.consent ?? true;
  if (typeof consent !== 'boolean') throw new InvalidInputError('consent', 'must be true or false');
  if (options.storage !== undefined && options.storage !== 'indexeddb' && options.storage !== 'memory') throw new InvalidInputError('storage', 'must be indexeddb or memory');
  const order = backendOrder(options.backend ?? 'auto');
  const bundle = await loadIntentBundle(bundleUrl, { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const { backend } = await selectBackend(order, options.wasmPaths ?? defaultWasmPaths());
  const threshold = options.threshold ?? bundle.manifest.outOfScope.threshold;
  if (!(threshold >= 0 && threshold <= 1)) throw new InvalidInputError('threshold', `must be in [0, 1], got ${threshold}`);
  const store: ExampleStore = options.storage === 'memory' || !consent ? createMemoryExampleStore() : createIdbExampleStore(dbName);
  const seeds: IntentExample[] = bundle.manifest.intents.flatMap((it) => it.examples.map((text) => ({ intent: it.name, text, source: 'added' as const, storedAt: 0 })));
  const classifier = createIntentClassifier(bundle);
  let local: IntentExample[] = await store.all();
  let disposed = false;
  // Taught phrasings, by normalized text; the latest teaching of a question wins.
  let taught = new Map<string, string>();
  const sync = (): void => {
    classifier.setExamples([...seeds, ...local]);
    taught = new Map(local.filter((e) => e.source === 'taught').map((e) => [normalizeText(e.text), e.intent]));
  };
  sync();
  const known = (): string[] => [...new Set([...seeds, ...local].map((e) => e.intent))];
  const alive = (): void => {
    if (disposed) throw new DisposedError('assistant');
  };
  const remember = async (rows: IntentExample[]): Promise<void> => {
    await store.add(rows);
    local = [...local, ...rows];
    sync();
  };

  return {
    backend,
    bundleVersion: bundle.manifest.version,
    storage: store.kind,
    addIntent: async (name, examples) => {
      alive();
      checkText('name', name);
      if (!Array.isArray(examples) || examples.length === 0) throw new InvalidInputError('examples', 'must be a non-empty array of questions');
      examples.forEach((e, i) => checkText(`examples[${i}]`, e));
      await remember(examples.map((text) => ({ intent: name, text, source: 'added', storedAt: Date.now() })));
    },
    teach: async (question, intent) => {
      alive();
      checkText('question', question);
      if (!known().includes(intent)) throw new InvalidInputError('intent', `"${intent}" is not a known intent; valid: ${known().join(', ') || '(none yet: addIntent first)'}`);
      await remember([{ intent, text: question, source: 'taught', storedAt: Date.now() }]);
    },
    answer: async (question) => {
      alive();
      checkText('question', question);
      const ranked = await classifier.rank(question);
      const recalled = taught.get(normalizeText(question));
      if (recalled !== undefined) {
        // The visitor (or shop) said what this exact question means: answer that, with the model's view as alternatives.
        return { intent: recalled, confidence: 1, alternatives: ranked.filter((r) => r.intent !== recalled).slice(0, 3), outOfScope: false };
      }
      const best = ranked[0];
      if (!best) return { intent: null, confidence: 0, alternatives: [], outOfScope: true };
      const outOfScope = best.confidence < threshold;
      return { intent: outOfScope ? null : best.intent, confidence: best.confidence, alternatives: ranked.slice(outOfScope ? 0 : 1, 4), outOfScope };
    },
    intents: () => known(),
    exportData: async () => {
      alive();
      return { format: 'attune-assistant-data', version: 1, bundleVersion: bundle.manifest.version, storage: store.kind, examples: [...local] };
    },
    forget: async () => {
      alive();
      await store.clear();
      local = [];
      sync();
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      classifier.dispose();
      store.close();
    },
  };
}
