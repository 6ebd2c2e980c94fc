/**
 * attune in a bundled app: `npm install attune`, import it, point it at a
 * bundle and at the static files vite.config.js copies to public/attune/.
 * The bundle (public/bundles/shop/) and the display catalog
 * (public/shop/catalog.json) come from `npx attune default-bundle` in the
 * attune repository, or from your own `attune train`.
 */
import { createPersonalizer } from 'attune';

const status = document.getElementById('status');
const recsList = document.getElementById('recs');

/** Item text goes in with textContent, never as HTML. */
function node(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

async function main() {
  const products = await (await fetch('/shop/catalog.json')).json();
  const byId = new Map(products.map((p) => [p.id, p]));
  const label = (id) => byId.get(id)?.name ?? id;
  const p = await createPersonalizer({ bundle: '/bundles/shop/', workerUrl: '/attune/attune.worker.js', wasmPaths: '/attune/' });
  p.on('error', (error) => (status.textContent = `${error.code}: ${error.message}`));
  const { mode } = await p.diagnostics();

  async function render() {
    const recs = await p.recommend({ k: 8 });
    const { events } = await p.stats();
    const rows = await Promise.all(
      recs.map(async (r) => {
        const li = node('li', label(r.itemId));
        li.dataset.itemId = r.itemId;
        li.dataset.category = byId.get(r.itemId)?.category ?? '';
        if (events > 0) li.append(node('small', ` — ${(await p.explain(r.itemId, { label })).reason}`, 'why'));
        return li;
      }),
    );
    recsList.replaceChildren(...rows);
    recsList.dataset.events = String(events);
    status.textContent = `Backend: ${p.backend} (${mode}) · ${events} events stored on this device`;
  }

  let queue = Promise.resolve();
  for (const product of products.slice(0, 40)) {
    const button = node('button', `${product.name} (${product.category})`, 'product');
    button.type = 'button';
    button.dataset.category = product.category;
    button.addEventListener('click', () => {
      queue = queue.then(() => p.track({ type: 'click', itemId: product.id })).then(render).catch((e) => (status.textContent = String(e)));
    });
    const li = document.createElement('li');
    li.append(button);
    document.getElementById('products').append(li);
  }
  await render();
}

main().catch((error) => (status.textContent = `attune did not start: ${error.message}`));
