/** DOM rendering for the demo shop: product cards, the recommendation row, the device panel. */
import type { Explanation } from 'attune';

/** One product (or film) as the demo shows it; catalogs.ts maps each catalog.json onto it. */
export interface Product {
  readonly id: string;
  readonly name: string;
  /** Grouping for the filter chips and the tile colour (a shop category, a film's first genre). */
  readonly category: string;
  /** The line under the name (brand · category, year · genres). */
  readonly meta: string;
  readonly price?: number;
}

const price = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** A stable hue per category so products of one kind look alike. */
function hue(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 360;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The picture stand-in: a tile tinted by category with the category's initials. */
function tile(product: Product): HTMLElement {
  const art = el('div', 'art', product.category.slice(0, 2).toUpperCase());
  art.style.setProperty('--hue', String(hue(product.category)));
  art.setAttribute('aria-hidden', 'true');
  return art;
}

export interface CardHandlers {
  /** The card was opened (the shop: view + click; MovieLens: a 5-star rating). */
  open(product: Product): void;
  /** The card's button (the shop: add to cart; MovieLens: a 1-star rating). */
  act(product: Product): void;
  /** The button's label. */
  readonly actLabel: string;
}

/** A product card in the grid: the card opens the product, the button does the catalog's action. */
export function productCard(product: Product, on: CardHandlers): HTMLElement {
  const card = el('article', 'product');
  Object.assign(card.dataset, { testid: 'product', itemId: product.id, category: product.category });
  const open = el('button', 'open');
  open.type = 'button';
  open.dataset.testid = 'product-open';
  open.append(tile(product), el('span', 'name', product.name), el('span', 'meta', product.meta));
  open.addEventListener('click', () => {
    card.classList.add('seen');
    on.open(product);
  });
  const foot = el('div', 'foot');
  const cart = el('button', 'add', on.actLabel);
  cart.type = 'button';
  cart.dataset.testid = 'add-to-cart';
  cart.addEventListener('click', () => on.act(product));
  foot.append(el('span', 'price', product.price === undefined ? '' : price.format(product.price)), cart);
  card.append(open, foot);
  return card;
}

const EVIDENCE_VERB: Record<string, string> = { view: 'viewed', click: 'clicked', add_to_cart: 'added to cart', purchase: 'bought', rating: 'rated' };

/** "Because you viewed …" under a recommendation; opening it lists the events behind it and their scores. */
function whyDetails(why: Explanation, name: (itemId: string) => string): HTMLElement {
  const details = el('details', 'why');
  details.dataset.testid = 'rec-why';
  const summary = el('summary', 'why-reason', why.reason);
  summary.dataset.testid = 'rec-why-reason';
  const list = el('ul', 'why-list');
  list.append(
    ...why.evidence.map((e) => {
      const li = el('li', 'why-item');
      Object.assign(li.dataset, { testid: 'rec-why-evidence', itemId: e.event.itemId, eventId: String(e.event.id) });
      li.append(
        el('span', 'why-what', `${EVIDENCE_VERB[e.event.type] ?? e.event.type} ${name(e.event.itemId)}`),
        el('span', 'why-score', `similarity ${e.similarity.toFixed(2)} × weight ${e.weight.toFixed(1)} × recency ${e.recency.toFixed(2)} = ${e.score.toFixed(2)}`),
      );
      return li;
    }),
  );
  details.append(summary, list);
  return details;
}

/**
 * Replaces the recommendation row; `events` records which history the ranking
 * reflects (tests wait on it). `why` holds each item's explanation, shown
 * under it once the visitor has a history.
 */
export function renderRecs(row: HTMLElement, items: readonly Product[], events: number, on: CardHandlers, why?: ReadonlyMap<string, Explanation>, name?: (itemId: string) => string): void {
  row.replaceChildren(
    ...items.map((product, i) => {
      const li = el('li', 'rec');
      Object.assign(li.dataset, { testid: 'rec-item', itemId: product.id, category: product.category });
      li.style.animationDelay = `${i * 25}ms`;
      const open = el('button', 'open');
      open.type = 'button';
      open.append(tile(product), el('span', 'name', product.name), el('span', 'meta', product.price === undefined ? product.meta : price.format(product.price)));
      open.addEventListener('click', () => on.open(product));
      li.append(open);
      const explanation = why?.get(product.id);
      if (explanation && events > 0) li.append(whyDetails(explanation, name ?? ((id) => id)));
      return li;
    }),
  );
  row.dataset.events = String(events);
}

/** Category chips over the grid; filtering only changes what is shown. */
export function renderFilters(bar: HTMLElement, categories: readonly string[], onPick: (category: string | null) => void): void {
  const chips = [null, ...categories].map((category) => {
    const chip = el('button', 'chip', category ?? 'All');
    chip.type = 'button';
    chip.setAttribute('aria-pressed', String(category === null));
    chip.addEventListener('click', () => {
      for (const other of bar.children) other.setAttribute('aria-pressed', String(other === chip));
      onPick(category);
    });
    return chip;
  });
  bar.replaceChildren(...chips);
}

/** A FAQ intent name ("order_status") as a label ("Order status"). */
export function intentLabel(intent: string): string {
  const words = intent.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What the "Ask us" box shows for one answer; every string goes in as text, never as HTML. */
export interface AskView {
  /** The FAQ answer, or null when the assistant is not sure (hand over to a person). */
  readonly answer: string | null;
  readonly intent: string | null;
  readonly confidence: number;
  /** Other likely topics (shown when not sure). */
  readonly alternatives: readonly string[];
}

export function renderAnswer(box: HTMLElement, view: AskView): void {
  box.classList.toggle('handover', view.answer === null);
  box.dataset.intent = view.answer === null ? '' : (view.intent ?? '');
  if (view.answer === null) {
    const also = view.alternatives.length ? ` Closest topics: ${view.alternatives.map(intentLabel).join(', ')}.` : '';
    box.replaceChildren(el('p', 'text', `I'm not sure about that one — I'll hand you over to a person.${also}`));
    return;
  }
  const topic = el('div', 'topic', `${intentLabel(view.intent ?? '')} · ${Math.round(100 * view.confidence)}% sure · answered on this device`);
  box.replaceChildren(el('p', 'text', view.answer), topic);
}

/** Fills the "teach it" topic picker, pre-selecting `selected`. */
export function renderTopics(select: HTMLSelectElement, intents: readonly string[], selected: string | null): void {
  const options = [...intents].sort().map((intent) => {
    const option = el('option', '', intentLabel(intent));
    option.value = intent;
    option.selected = intent === selected;
    return option;
  });
  select.replaceChildren(...options);
}

/** Shorthand for the element with `data-testid="id"`; the page's markup guarantees it exists. */
export function byTestId(id: string): HTMLElement {
  const node = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!node) throw new Error(`demo markup is missing data-testid="${id}"`);
  return node;
}
