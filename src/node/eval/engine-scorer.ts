import type { LoadedBundle } from '../../bundle/read.js';
import { loadBundle } from '../../bundle/read.js';
import type { EncodedBundle } from '../../bundle/write.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import { buildSupport } from '../../engine/support.js';
import type { StoredEvent } from '../../events.js';
import type { Interaction } from '../../models/feedback.js';
import type { Scorer } from './types.js';

/**
 * Reads an in-memory bundle through the SDK's own loader (sizes and SHA-256
 * checked), as a browser would after downloading it.
 *
 * @example
 * const loaded = await loadEncodedBundle(await encodeBundle(input));
 */
export function loadEncodedBundle(bundle: EncodedBundle): Promise<LoadedBundle> {
  const serve = async (url: string | URL | Request): Promise<Response> => {
    const path = String(url).replace(/^memory:\/\/bundle\//, '');
    const bytes = bundle.files.get(path);
    return bytes ? new Response(bytes.slice().buffer as ArrayBuffer) : new Response(null, { status: 404 });
  };
  return loadBundle('memory://bundle/', { fetch: serve as typeof fetch });
}

/** A support interaction as the SDK stores it (`timestamp` in ms, opaque item id). */
export function asStoredEvents(support: readonly Interaction[], ids: readonly string[]): StoredEvent[] {
  return support.map((e, i) => ({
    id: i + 1,
    type: e.type,
    itemId: ids[e.item] as string,
    ...(e.value === undefined ? {} : { value: e.value }),
    timestamp: e.ts,
    storedAt: e.ts,
  }));
}

export interface EngineScorerOptions {
  readonly name: string;
  readonly family: 'meta' | 'baseline';
  /** False: score with θ0 only (the "no adaptation" global model). */
  readonly adapt: boolean;
  /** The SDK's safe-adaptation check (`heldOutCheck`, engine/held-out.ts); default true, as in the SDK. */
  readonly heldOut?: boolean;
}

/**
 * Scores users exactly as the browser SDK does: the bundle goes through the
 * SDK's loader, the engine (src/engine, cpu backend here) adapts the head on
 * the support set that `buildSupport` makes of the visitor's most recent
 * `inner.maxSupport` events, keeps θ0 when the held-out check refuses the
 * adaptation (as the SDK does by default), and scores the catalog. Only
 * storage and the backend differ from a visitor's page.
 *
 * @example
 * const scorer = await engineScorer(await bundleOf(data, result), { name: 'reptile', family: 'meta', adapt: true });
 * const scores = await scorer.score(user.support);
 * scorer.dispose();
 */
export async function engineScorer(
  bundle: EncodedBundle,
  o: EngineScorerOptions,
): Promise<
  Scorer & {
    /** The SDK engine doing the work (cpu backend). */
    readonly engine: Engine;
  }
> {
  const loaded = await loadEncodedBundle(bundle);
  const engine = await createEngine(loaded, { backend: ['cpu'] });
  const { manifest } = loaded;
  const ids = manifest.catalog.ids;
  const rows = new Map(ids.map((id, row) => [id, row]));
  const allRows = Array.from(ids, (_, row) => row);
  return {
    name: o.name,
    family: o.family,
    predictsRatings: manifest.model.feedback === 'rating',
    engine,
    async score(support) {
      await engine.useParams(null);
      if (o.adapt && support.length > 0) {
        const ordered = [...support].sort((a, b) => a.ts - b.ts);
        const recent = ordered.slice(-manifest.inner.maxSupport);
        const history = new Set(ordered.map((e) => e.item));
        const examples = buildSupport(asStoredEvents(recent, ids), manifest, rows, history);
        if (examples.items.length > 0) await engine.adapt(examples, { heldOut: o.heldOut ?? true });
      }
      return Float32Array.from(await engine.scoreRows(allRows));
    },
    dispose: () => engine.dispose(),
  };
}
