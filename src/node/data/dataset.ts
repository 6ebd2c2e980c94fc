import type { EventType } from '../../models/feedback.js';
import type { Feedback, FeatureSpec, ItemFeatures } from '../../models/recommender.js';

/** One catalog item: the shop's id, its raw feature values, and display fields. */
export interface DatasetItem {
  /** The shop's item id. */
  readonly id: string;
  /** Raw values keyed by feature name (see `Dataset.features`), as `encodeItemFeatures` reads them. */
  readonly features: ItemFeatures;
  /** Columns that are not model features (title, name, url…), kept for display. */
  readonly display: Readonly<Record<string, string>>;
}

/** One interaction, with the item resolved to its row in `Dataset.items`. */
export interface DatasetInteraction {
  /** The user's id. */
  readonly user: string;
  /** The item's row in `Dataset.items`. */
  readonly itemIndex: number;
  /** What happened. */
  readonly type: EventType;
  /** The rating, for `type: 'rating'`. */
  readonly value?: number;
  /** Milliseconds since the epoch (or any increasing clock). */
  readonly ts: number;
}

/** One user of the dataset and their attributes (from users.csv, when present). */
export interface DatasetUser {
  /** The user's id. */
  readonly id: string;
  /** Raw attribute columns of users.csv (age, country, …). */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * The in-memory form every loader produces and the trainer consumes.
 * `features` describes the item feature columns with vocabularies and
 * numeric statistics derived from the items themselves; `interactions` are in
 * file order (the trainer sorts each user's events by time).
 */
export interface Dataset {
  /** The dataset's name (e.g. `'ml-100k'`). */
  readonly name: string;
  /** `rating` when the data holds explicit ratings, else `implicit`. */
  readonly feedback: Feedback;
  /** The catalog, in row order. */
  readonly items: readonly DatasetItem[];
  /** The item feature columns, with vocabularies and statistics. */
  readonly features: readonly FeatureSpec[];
  /** Every event or rating, in file order. */
  readonly interactions: readonly DatasetInteraction[];
  /** User attributes, when the data has them. */
  readonly users?: readonly DatasetUser[];
}

/**
 * Interactions grouped by user, each user's list sorted by time (stable).
 *
 * @example
 * for (const [user, events] of groupByUser(data.interactions)) console.log(user, events.length);
 */
export function groupByUser(interactions: readonly DatasetInteraction[]): Map<string, DatasetInteraction[]> {
  const byUser = new Map<string, DatasetInteraction[]>();
  for (const e of interactions) {
    const list = byUser.get(e.user);
    if (list) list.push(e);
    else byUser.set(e.user, [e]);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.ts - b.ts);
  return byUser;
}

/**
 * Counts for a bundle's training summary.
 *
 * @example
 * console.log(summarizeDataset(loadMovielens())); // users, items, interactions, counts per type…
 */
export function summarizeDataset(data: Dataset): Record<string, unknown> {
  const users = new Set(data.interactions.map((e) => e.user));
  const types: Record<string, number> = {};
  for (const e of data.interactions) types[e.type] = (types[e.type] ?? 0) + 1;
  return { dataset: data.name, feedback: data.feedback, items: data.items.length, users: users.size, interactions: data.interactions.length, types };
}
