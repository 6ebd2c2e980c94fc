/**
 * The attune demo shop: a product grid on the default bundle. Every click and
 * "Add to cart" is stored on this device and the "Recommended for you" row
 * re-ranks after each one.
 */
import { createPersonalizer, type Assistant, type Personalizer, type StoredEvent, type TrackEvent, type WasmPaths } from 'attune';
// The wasm backend fetches its .wasm files at run time; vite serves them from node_modules in
// dev and copies them (renamed) into the build, so hand the SDK each file's URL.
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { startAsk } from './ask.js';
import { renderBackendChoice, renderBeforeAfter, renderKnows, renderLossChart } from './insight.js';
import { CATALOGS, catalogFromUrl } from './catalogs.js';
import { byTestId, productCard, renderFilters, renderRecs, type CardHandlers, type Product } from './view.js';
import './style.css';

const SOURCE = catalogFromUrl(location.search);
const REC_COUNT = 10;
const WASM_PATHS: WasmPaths = {
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};
/** The "Ask us" assistant, once started (after the recommender, so they never pick a backend at the same time). */
let assistant: Promise<Assistant | null> | null = null;
const ask = (): Promise<Assistant | null> => (assistant ??= startAsk(WASM_PATHS, showError));

/** Shows an error in the status area; the demo never lets one go uncaught. */
function showError(err: unknown): void {
  const status = byTestId('status');
  status.textContent = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  status.classList.add('error');
}

function showInfo(text: string): void {
  const status = byTestId('status');
  status.textContent = text;
  status.classList.remove('error');
}

async function loadCatalog(): Promise<Product[]> {
  const response = await fetch(SOURCE.catalog);
  if (!response.ok) throw new Error(`${SOURCE.catalog}: HTTP ${response.status} — ${SOURCE.buildHint}`);
  // Vite's dev server answers a missing file with the page itself (200, text/html).
  if (!(response.headers.get('content-type') ?? '').includes('json')) throw new Error(`${SOURCE.catalog} is missing — ${SOURCE.buildHint}`);
  return SOURCE.toProducts((await response.json()) as Record<string, unknown>[]);
}

/** Links to the catalogs in the header; the current one is marked. */
function renderCatalogSwitch(): void {
  byTestId('catalogs').replaceChildren(
    ...CATALOGS.map((c) => {
      const link = Object.assign(document.createElement('a'), { href: `?catalog=${c.key}`, textContent: c.title });
      link.dataset.testid = `catalog-${c.key}`;
      if (c === SOURCE) link.setAttribute('aria-current', 'page');
      return link;
    }),
  );
  byTestId('cart').hidden = SOURCE.key !== 'shop';
}

/** Runs SDK calls one after another so a re-rank never races the next event. */
function createQueue() {
  let tail: Promise<void> = Promise.resolve();
  return (job: () => Promise<void>) => {
    tail = tail.then(job).catch(showError);
    return tail;
  };
}

async function main(): Promise<void> {
  renderCatalogSwitch();
  const products = await loadCatalog();
  const byId = new Map(products.map((p) => [p.id, p]));
  const p: Personalizer = await createPersonalizer({
    bundle: SOURCE.bundle,
    dbName: SOURCE.dbName,
    wasmPaths: WASM_PATHS,
    onProgress: (progress) =>
      showInfo(
        progress.phase === 'bundle'
          ? `Loading model: ${progress.file} (${progress.filesDone}/${progress.filesTotal})`
          : progress.phase === 'warm-up'
            ? `Warming up: ${progress.step === 'measure' ? 'measuring' : 'starting'} ${progress.backend} (${progress.index}/${progress.total})`
            : `Ready on ${progress.backend}`,
      ),
  });
  // A refused adaptation is the safety check doing its job (docs/reliability.md › Numerics), not a fault.
  p.on('error', (e) => (e.code === 'adaptation-unsound' ? showInfo(`Kept the shop's default ranking: ${e.message}`) : showError(e)));
  showInfo('');
  byTestId('backend').textContent = p.backend;
  byTestId('bundle-version').textContent = p.bundleVersion.slice(0, 12);

  const enqueue = createQueue();
  const name = (itemId: string) => byId.get(itemId)?.name ?? itemId;
  // "Before vs after": the row with no history (the initialization's) when this visit saw it, else the
  // row shown before the last adaptation.
  let initial: string[] | null = null;
  let shown: string[] = [];
  let before: string[] = [];
  let adaptedAt: number | null = null;
  const deleteEvent = (event: StoredEvent) =>
    void enqueue(async () => {
      await p.deleteEvent(event.id);
      await refresh();
      showInfo(`Deleted "${event.type} ${name(event.itemId)}" from this device; the model re-adapted without it.`);
    });
  const refresh = async () => {
    const recs = await p.recommend({ k: REC_COUNT, exclude: 'seen' });
    const [stats, events, diagnostics] = await Promise.all([p.stats(), p.events(), p.diagnostics()]);
    const ids = recs.map((r) => r.itemId);
    const why = new Map(await Promise.all(ids.map(async (id) => [id, await p.explain(id, { label: name })] as const)));
    const cart = events.filter((e) => e.type === 'add_to_cart').length;
    const last = stats.lastAdaptation;
    if (last?.at !== adaptedAt) [before, adaptedAt] = [shown, last?.at ?? null];
    if (stats.events === 0) initial = ids;
    shown = ids;
    renderLossChart(byTestId('loss-chart'), last);
    const baseline = initial ? { title: 'Before: no history', ids: initial } : { title: 'Before the last adaptation', ids: before };
    renderBeforeAfter(byTestId('before-after'), last ? baseline : { title: 'Before', ids: [] }, last ? ids : [], name);
    renderKnows(byTestId('knows'), events, name, deleteEvent);
    renderBackendChoice(byTestId('backend-choice'), diagnostics);
    const seen = new Set(events.filter((e) => e.type !== 'impression').map((e) => e.itemId));
    for (const card of cards) card.classList.toggle('seen', seen.has(card.dataset.itemId ?? ''));
    renderRecs(byTestId('rec-row'), recs.flatMap((r) => byId.get(r.itemId) ?? []), stats.events, handlers, why, name);
    byTestId('event-count').textContent = String(stats.events);
    byTestId('cart-count').textContent = String(cart);
    const adaptation = byTestId('last-adaptation');
    adaptation.textContent = last ? `${last.ms.toFixed(1)} ms` : '—';
    adaptation.title = last ? `${last.steps} SGD steps on ${last.supportSize} examples, loss ${last.lossBefore.toFixed(3)} → ${last.lossAfter.toFixed(3)}` : '';
    byTestId('rec-hint').textContent =
      stats.events === 0
        ? 'What shoppers like in general. Click a few products and this row adapts to you.'
        : `Adapted on this device to your ${stats.events} interaction${stats.events === 1 ? '' : 's'}.`;
  };
  const record = (events: TrackEvent[]) =>
    enqueue(async () => {
      for (const event of events) await p.track(event);
      await refresh();
    });
  const handlers: CardHandlers = {
    open: (product) => void record(SOURCE.open(product.id)),
    act: (product) => void record(SOURCE.action.events(product.id)),
    actLabel: SOURCE.action.label,
  };

  const grid = byTestId('grid');
  const cards = products.map((product) => productCard(product, handlers));
  grid.replaceChildren(...cards);
  const categories = [...new Set(products.map((x) => x.category))].sort();
  renderFilters(byTestId('filters'), categories, (category) => {
    for (const card of cards) card.hidden = category !== null && card.dataset.category !== category;
  });
  byTestId('download').addEventListener('click', () =>
    void enqueue(async () => {
      const data = await p.exportData();
      // The "Ask us" box's taught questions are stored on this device too: they go in the same file.
      const askUs = (await (await ask())?.exportData()) ?? null;
      const url = URL.createObjectURL(new Blob([JSON.stringify({ ...data, askUs }, null, 2)], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: 'attune-my-data.json' });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      showInfo(`Downloaded ${data.events.length} events as attune-my-data.json.`);
    }),
  );
  byTestId('forget').addEventListener('click', () =>
    void enqueue(async () => {
      await p.forget();
      await (await ask())?.forget();
      await refresh();
      showInfo('Everything this page stored about you was deleted.');
    }),
  );
  await enqueue(refresh);
  void ask();
}

window.addEventListener('unhandledrejection', (event) => showError(event.reason));
main().catch((err) => {
  byTestId('backend').textContent = 'not running';
  showError(err);
  void ask();
});
