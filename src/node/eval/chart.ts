import type { MethodResult, MetricName } from './types.js';

const W = 720;
const H = 420;
const PAD = { left: 64, right: 210, top: 40, bottom: 52 };
/** Keeps the first and last K off the axes, so their interval bars stay visible. */
const INSET = 24;
/** Tableau 10: distinct at a glance and readable by most colour-blind readers. */
const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Escapes text for SVG content and attribute values. */
export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** About five round tick values (1, 2 or 5 × 10ⁿ apart) from at or below `lo` to at or above `hi`. */
export function niceTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

const fmt = (x: number): string => Number(x.toFixed(4)).toString();

/**
 * An SVG line chart of `metric` against K: one polyline per method through
 * its means, vertical bars for the 95% intervals, K on a log scale (K = 1, 3,
 * 5, 10, 20 spread evenly enough), dashed lines for baselines and solid for
 * meta-learned methods, and a legend. Hand-written so the package needs no
 * plotting dependency.
 */
export function svgChart(results: readonly MethodResult[], metric: MetricName, title: string): string {
  const series = new Map<string, { family: MethodResult['family']; points: { k: number; mean: number; lo: number; hi: number }[] }>();
  for (const r of results) {
    const v = r.metrics[metric];
    if (r.k === undefined || !v || Number.isNaN(v.mean)) continue;
    const s = series.get(r.method) ?? { family: r.family, points: [] };
    s.points.push({ k: r.k, mean: v.mean, lo: v.lo, hi: v.hi });
    series.set(r.method, s);
  }
  for (const s of series.values()) s.points.sort((a, b) => a.k - b.k);
  const all = [...series.values()].flatMap((s) => s.points);
  const ks = [...new Set(all.map((p) => p.k))].sort((a, b) => a - b);
  const logX = (ks[0] ?? 0) > 0;
  const fx = (k: number): number => (logX ? Math.log(k) : k);
  const [x0, x1] = [fx(ks[0] ?? 0), fx(ks.at(-1) ?? 1)];
  const yTicks = niceTicks(Math.min(...all.map((p) => p.lo)), Math.max(...all.map((p) => p.hi)));
  const [y0, y1] = [yTicks[0] ?? 0, yTicks.at(-1) ?? 1];
  const px = (k: number): number => PAD.left + INSET + (x1 > x0 ? (fx(k) - x0) / (x1 - x0) : 0.5) * (W - PAD.left - PAD.right - 2 * INSET);
  const py = (y: number): number => H - PAD.bottom - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * (H - PAD.top - PAD.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PAD.left}" y="24" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (const t of yTicks) {
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(py(t))}" y2="${fmt(py(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${fmt(py(t) + 4)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const k of ks) out.push(`<text x="${fmt(px(k))}" y="${H - PAD.bottom + 18}" text-anchor="middle">${k}</text>`);
  out.push(
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#333"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#333"/>`,
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 12}" text-anchor="middle">K (support interactions${logX ? ', log scale' : ''})</text>`,
  );
  [...series].forEach(([method, s], i) => {
    const color = COLORS[i % COLORS.length] as string;
    const dash = s.family === 'baseline' ? ' stroke-dasharray="6 3"' : '';
    const points = s.points.map((p) => `${fmt(px(p.k))},${fmt(py(p.mean))}`).join(' ');
    out.push(`<g><title>${escapeXml(method)}</title>`);
    // Interval bars are nudged apart per method so overlapping ones stay readable.
    const dodge = (i - (series.size - 1) / 2) * 3;
    for (const p of s.points) {
      out.push(`<line x1="${fmt(px(p.k) + dodge)}" x2="${fmt(px(p.k) + dodge)}" y1="${fmt(py(p.lo))}" y2="${fmt(py(p.hi))}" stroke="${color}" stroke-opacity="0.5"/>`);
      out.push(`<circle cx="${fmt(px(p.k))}" cy="${fmt(py(p.mean))}" r="3" fill="${color}"/>`);
    }
    out.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`, '</g>');
    const ly = PAD.top + 8 + i * 18;
    out.push(`<line x1="${W - PAD.right + 16}" x2="${W - PAD.right + 40}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${W - PAD.right + 46}" y="${ly + 4}">${escapeXml(method)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
