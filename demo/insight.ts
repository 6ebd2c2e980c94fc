/**
 * The demo's "show the learning" panels: what attune knows about the visitor
 * (every stored event, deletable one by one), the last adaptation's loss per
 * inner step, the row before vs after it, and how the backend was chosen.
 * Every string from the catalog or the SDK goes in as text, never as HTML.
 */
import type { AdaptationInfo, PersonalizerDiagnostics, StoredEvent } from 'attune';

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const TYPE_LABEL: Record<StoredEvent['type'], string> = {
  impression: 'saw',
  view: 'viewed',
  click: 'clicked',
  add_to_cart: 'added to cart',
  purchase: 'bought',
  rating: 'rated',
};

/**
 * "What attune knows about you": every stored event, newest first, each with
 * a delete button. `name` turns an item id into the product's name.
 */
export function renderKnows(list: HTMLElement, events: readonly StoredEvent[], name: (itemId: string) => string, onDelete: (event: StoredEvent) => void): void {
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const rows = [...events].reverse().map((event) => {
    const li = el('li', 'known');
    Object.assign(li.dataset, { testid: 'known-event', eventId: String(event.id), itemId: event.itemId, type: event.type });
    const what = `${TYPE_LABEL[event.type]}${event.type === 'rating' ? ` ${event.value ?? ''}` : ''}`;
    const text = el('span', 'known-text');
    text.append(el('span', 'known-what', what), ' ', el('span', 'known-item', name(event.itemId)));
    const del = el('button', 'known-delete', '×');
    del.type = 'button';
    del.dataset.testid = 'known-delete';
    del.setAttribute('aria-label', `Delete "${what} ${name(event.itemId)}"`);
    del.title = 'Delete this event from the device';
    del.addEventListener('click', () => onDelete(event));
    li.append(el('time', 'known-time', time.format(event.timestamp)), text, del);
    return li;
  });
  list.replaceChildren(...(rows.length > 0 ? rows : [el('li', 'known-empty', 'Nothing yet: this device has no events about you.')]));
  list.dataset.count = String(events.length);
}

/**
 * The last adaptation's support loss after 0, 1, …, k inner steps as a small
 * line chart (before/after only when the engine did not report every step).
 */
export function renderLossChart(box: HTMLElement, info: AdaptationInfo | null): void {
  const losses = info ? (info.losses ?? [info.lossBefore, info.lossAfter]) : [];
  box.dataset.points = String(losses.length);
  if (!info || losses.length < 2 || !losses.every(Number.isFinite)) {
    box.replaceChildren(el('p', 'hint', 'No adaptation yet: click a product and watch the loss fall.'));
    return;
  }
  const [w, h, left, right, top, bottom] = [260, 120, 34, 8, 10, 22];
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const span = hi - lo || 1;
  const x = (i: number) => left + ((w - left - right) * i) / (losses.length - 1);
  const y = (v: number) => top + ((h - top - bottom) * (hi - v)) / span;
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', class: 'loss-svg' });
  chart.append(svg('title', {}, `Support loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)} over ${losses.length - 1} steps`));
  chart.append(svg('line', { x1: left, y1: h - bottom, x2: w - right, y2: h - bottom, class: 'axis' }));
  chart.append(svg('text', { x: left - 4, y: y(hi) + 4, 'text-anchor': 'end', class: 'tick' }, hi.toFixed(2)));
  chart.append(svg('text', { x: left - 4, y: y(lo) + 4, 'text-anchor': 'end', class: 'tick' }, lo.toFixed(2)));
  chart.append(svg('polyline', { points: losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '), class: 'line' }));
  losses.forEach((v, i) => {
    chart.append(svg('circle', { cx: x(i), cy: y(v), r: 3, class: 'dot' }));
    chart.append(svg('text', { x: x(i), y: h - 6, 'text-anchor': 'middle', class: 'tick' }, String(info.losses ? i : i === 0 ? 'θ0' : info.steps)));
  });
  const caption = el('p', 'chart-caption', `${info.steps} SGD steps on ${info.supportSize} examples in ${info.ms.toFixed(1)} ms${info.cached ? ' (restored from this device)' : ''}: loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`);
  caption.dataset.testid = 'loss-caption';
  box.replaceChildren(chart, caption);
}

/** A row before adaptation and the row now, side by side; items that entered the row are marked. */
export function renderBeforeAfter(box: HTMLElement, before: { title: string; ids: readonly string[] }, after: readonly string[], name: (itemId: string) => string): void {
  const column = (title: string, ids: readonly string[], other: ReadonlySet<string>, testid: string) => {
    const col = el('div', 'ba-col');
    const list = el('ol', 'ba-list');
    list.dataset.testid = testid;
    list.append(
      ...ids.map((id) => {
        const li = el('li', other.has(id) ? '' : 'moved', name(id));
        li.dataset.itemId = id;
        return li;
      }),
    );
    col.append(el('h3', 'ba-title', title), list);
    return col;
  };
  box.replaceChildren(column(before.title, before.ids, new Set(after), 'row-before'), column('After: adapted to you', after, new Set(before.ids), 'row-after'));
}

/** Where the engine runs and the measurements behind `backend: 'auto'`. */
export function renderBackendChoice(box: HTMLElement, d: PersonalizerDiagnostics): void {
  const where = `${d.backend} · ${d.mode === 'worker' ? 'in a worker' : 'on the page'}${d.workerFallback ? ` (${d.workerFallback})` : ''}`;
  const head = el('p', 'choice-head', where);
  if (!d.choice) {
    box.replaceChildren(head, el('p', 'hint', 'Backend chosen by name, not measured.'));
    return;
  }
  const table = el('table', 'choice-table');
  const header = el('tr', '');
  for (const h of ['backend', 'adapt', 'rank', '']) header.append(el('th', '', h));
  table.append(header);
  for (const m of d.choice.measurements) {
    const tr = el('tr', m.backend === d.choice.backend ? 'chosen' : '');
    tr.dataset.testid = 'choice-row';
    tr.dataset.backend = m.backend;
    const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)} ms`);
    const verdict = m.backend === d.choice.backend ? 'chosen' : m.ok ? 'slower' : 'refused';
    const last = el('td', '', verdict);
    if (m.reason) last.title = m.reason;
    tr.append(el('td', '', m.backend), el('td', '', ms(m.adaptMs)), el('td', '', ms(m.rankMs)), last);
    table.append(tr);
  }
  const note = el('p', 'hint', `${d.choice.cached ? 'Measured on an earlier visit' : 'Measured just now'} on this device (inner loop: ${d.choice.innerLoop}); ${d.memory.numTensors} tensors live.`);
  box.replaceChildren(head, table, note);
}
