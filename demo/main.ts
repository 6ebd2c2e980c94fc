/**
 * The attune demo shop: a product grid on the default bundle. Every click and
 * "Add to cart" is stored on this device and the "Recommended for you" row
 * re-ranks after each one.
 */
import { createPersonalizer, type Assistant, type Personalizer, type TrackEvent, type WasmPaths } from 'attune';
// The wasm backend fetches its .wasm files at run time; vite serves them from node_modules in
// dev and copies them (renamed) into the build, so hand the SDK each file's URL.
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { startAsk } from './ask.js';
import { byTestId, productCard, renderFilters, renderRecs, type CardHandlers, type Product } from './view.js';
import './style.css';

const BUNDLE = '/bundles/shop/';
const CATALOG = '/shop/catalog.json';
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
  const response = await fetch(CATALOG);
  if (!response.ok) throw new Error(`${CATALOG}: HTTP ${response.status} — run \`npm run bundle:default\` (npm start does)`);
  return (await response.json()) as Product[];
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
  const products = await loadCatalog();
  const byId = new Map(products.map((p) => [p.id, p]));
  const p: Personalizer = await createPersonalizer({
    bundle: BUNDLE,
    wasmPaths: WASM_PATHS,
    onProgress: (progress) =>
      showInfo(`Loading model: ${progress.file} (${progress.filesDone}/${progress.filesTotal})`),
  });
  p.on('error', showError);
  showInfo('');
  byTestId('backend').textContent = p.backend;
  byTestId('bundle-version').textContent = p.bundleVersion.slice(0, 12);

  const enqueue = createQueue();
  const refresh = async () => {
    const recs = await p.recommend({ k: REC_COUNT, exclude: 'seen' });
    const stats = await p.stats();
    const cart = (await p.events()).filter((e) => e.type === 'add_to_cart').length;
    renderRecs(byTestId('rec-row'), recs.flatMap((r) => byId.get(r.itemId) ?? []), stats.events, handlers);
    byTestId('event-count').textContent = String(stats.events);
    byTestId('cart-count').textContent = String(cart);
    const last = stats.lastAdaptation;
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
    open: (product) => void record([{ type: 'view', itemId: product.id }, { type: 'click', itemId: product.id }]),
    addToCart: (product) => void record([{ type: 'add_to_cart', itemId: product.id }]),
  };

  const grid = byTestId('grid');
  const cards = products.map((product) => productCard(product, handlers));
  grid.replaceChildren(...cards);
  const categories = [...new Set(products.map((x) => x.category))].sort();
  renderFilters(byTestId('filters'), categories, (category) => {
    for (const card of cards) card.hidden = category !== null && card.dataset.category !== category;
  });
  byTestId('forget').addEventListener('click', () =>
    void enqueue(async () => {
      await p.forget();
      await (await ask())?.forget();
      for (const card of cards) card.classList.remove('seen');
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
