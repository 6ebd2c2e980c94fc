import type { FeatureSpec, ItemFeatures } from '../../models/recommender.js';

/** How a feature column encodes: `'categorical'`, `'multi'` (tags) or `'numeric'`. */
export type FeatureKind = FeatureSpec['kind'];

/** A declared feature column before its statistics are known. */
export interface FeatureColumn {
  /** Column name. */
  readonly name: string;
  /** How it encodes. */
  readonly kind: FeatureKind;
}

/**
 * Derives each column's FeatureSpec from the items: vocabularies (most
 * frequent first, ties alphabetical, so the order is stable across runs) and
 * the mean / standard deviation of numeric columns over the items that have a value.
 *
 * @example
 * deriveFeatures([{ name: 'category', kind: 'categorical' }, { name: 'price', kind: 'numeric' }], [{ category: 'shoes', price: 80 }, { category: 'hats', price: 20 }]);
 */
export function deriveFeatures(columns: readonly FeatureColumn[], items: readonly ItemFeatures[]): FeatureSpec[] {
  return columns.map((c) => (c.kind === 'numeric' ? numericSpec(c.name, items) : vocabSpec(c.name, c.kind, items)));
}

function numericSpec(name: string, items: readonly ItemFeatures[]): FeatureSpec {
  const values = items.map((it) => it[name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  const variance = values.length ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length : 0;
  return { name, kind: 'numeric', mean, std: Math.sqrt(variance) || 1 };
}

function vocabSpec(name: string, kind: 'categorical' | 'multi', items: readonly ItemFeatures[]): FeatureSpec {
  const counts = new Map<string, number>();
  for (const it of items) {
    const v = it[name];
    const values = Array.isArray(v) ? v : v == null || v === '' ? [] : [String(v)];
    for (const s of values) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const vocab = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
  return { name, kind, vocab };
}
