import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Manifest } from '../../bundle/format.js';
import type { Dataset } from '../../node/data/dataset.js';
import type { TrainOptions } from '../../node/train/options.js';
import { writeTrainedBundle } from '../../node/train/save.js';
import { trainRecommender } from '../../node/train/train-recommender.js';
import { UsageError } from '../args.js';
import { progressReporter } from '../progress.js';

/** The cpu backend: pure JS, identical everywhere, and what tests measure. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/**
 * Trains with a live progress line, writes the bundle (`extra` joins its training block), prints the summary.
 * The user split goes to `splitOut` only when asked: user ids of the shop's logs never go into the public bundle.
 */
export async function trainAndWrite(data: Dataset, options: TrainOptions, out: string, extra: Record<string, unknown> = {}, splitOut?: string): Promise<Manifest> {
  const log = (s: string): void => void process.stdout.write(s + '\n');
  await useCpu();
  const progress = progressReporter();
  const result = await trainRecommender(data, { ...options, onProgress: progress.update }).finally(() => progress.done());
  try {
    const manifest = await writeTrainedBundle(out, data, result, extra);
    if (splitOut) writeJson(splitOut, { bundleVersion: manifest.version, trainUsers: result.trainUsers, heldOutUsers: result.heldOutUsers });
    const m = result.metrics;
    log(`trained ${data.name} (${result.config.feedback}, ${result.training.algorithm}) on ${result.trainUsers.length} users in ${result.seconds.toFixed(1)} s`);
    if (m.users === 0) log('no held-out users were evaluated (--holdout 0, --eval-users 0, or too few users to hold any out): no quality numbers for this bundle');
    else log(`held-out users: ${m.users} · nDCG@10 init ${m.ndcg10Init.toFixed(4)} → adapted ${m.ndcg10Adapted.toFixed(4)} · query loss ${m.queryLossInit.toFixed(4)} → ${m.queryLossAdapted.toFixed(4)}`);
    log(`bundle ${manifest.version} written to ${out}`);
    return manifest;
  } finally {
    tf.dispose([...result.params, ...(result.lrs ?? [])]);
  }
}

/**
 * Fails fast, before minutes of work, when `path` cannot become a folder: it is
 * a file, or a file stands where one of its parents should be.
 */
export function checkOutDir(path: string, flag = '--out'): void {
  let existing = resolve(path);
  while (!existsSync(existing)) existing = dirname(existing);
  if (statSync(existing).isDirectory()) return;
  const where = existing === resolve(path) ? 'is a file' : `cannot be created: ${existing} is a file`;
  throw new UsageError(`${flag} ${path} ${where}; give a folder (new or existing)`);
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value) + '\n');
}

/** A display catalog for the demo: id plus every display column and raw feature. */
export function writeCatalogJson(path: string, data: Dataset): void {
  writeJson(path, data.items.map((it) => ({ id: it.id, ...it.display, ...it.features })));
}
