/** DOM rendering for the demo shop: product cards, the recommendation row, the device panel. */

/** One product as demo/public/shop/catalog.json lists it. */
export interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly brand: string;
  readonly price: number;
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
  open(product: Product): void;
  addToCart(product: Product): void;
}

/** A product card in the grid: the card opens the product (view + click), the button adds to cart. */
export function productCard(product: Product, on: CardHandlers): HTMLElement {
  const card = el('article', 'product');
  Object.assign(card.dataset, { testid: 'product', itemId: product.id, category: product.category });
  const open = el('button', 'open');
  open.type = 'button';
  open.dataset.testid = 'product-open';
  open.append(tile(product), el('span', 'name', product.name), el('span', 'meta', `${product.brand} · ${product.category}`));
  open.addEventListener('click', () => {
    card.classList.add('seen');
    on.open(product);
  });
  const foot = el('div', 'foot');
  const cart = el('button', 'add', 'Add to cart');
  cart.type = 'button';
  cart.dataset.testid = 'add-to-cart';
  cart.addEventListener('click', () => on.addToCart(product));
  foot.append(el('span', 'price', price.format(product.price)), cart);
  card.append(open, foot);
  return card;
}

/** Replaces the recommendation row; `events` records which history the ranking reflects (tests wait on it). */
export function renderRecs(row: HTMLElement, items: readonly Product[], events: number, on: CardHandlers): void {
  row.replaceChildren(
    ...items.map((product, i) => {
      const li = el('li', 'rec');
      Object.assign(li.dataset, { testid: 'rec-item', itemId: product.id, category: product.category });
      li.style.animationDelay = `${i * 25}ms`;
      const open = el('button', 'open');
      open.type = 'button';
      open.append(tile(product), el('span', 'name', product.name), el('span', 'meta', price.format(product.price)));
      open.addEventListener('click', () => on.open(product));
      li.append(open);
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
