import { randomUUID } from 'node:crypto';
import type { AppExtension } from '../app-context.js';
import type { WriteContext, WriteResponse } from '../labels/label-service.js';
import { ParquetSource, type LabelSeed } from './parquet-source.js';

/** What seeding needs from the label service: its batch PATCH. */
export interface SeedTarget {
  patchItems(body: unknown, ctx: WriteContext): Promise<WriteResponse>;
}

const BATCH = 5000;

/**
 * Writes the table's `tags`/`star`/`notes` into the label store, each as a compare-and-set on
 * version 1 (an item never labeled): an item that already has labels conflicts and is left as it
 * is, so the table never overrides labels made since, and a restart does not re-apply seeds.
 */
export async function applyLabelSeeds(target: SeedTarget, seeds: Iterable<LabelSeed>): Promise<{ applied: number; kept: number }> {
  let applied = 0;
  let kept = 0;
  let batch: LabelSeed[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch.map((s) => ({ path: s.path, base_version: 1, set_tags: s.tags, set_star: s.star, set_notes: s.notes }));
    batch = [];
    const response = await target.patchItems({ items }, { idempotencyKey: `table-seed:${randomUUID()}`, user: 'table' });
    const results = (response.body as { results?: { status: string }[] }).results ?? [];
    for (const r of results) r.status === 'ok' ? applied++ : kept++;
  };
  for (const seed of seeds) {
    batch.push(seed);
    if (batch.length === BATCH) await flush();
  }
  await flush();
  return { applied, kept };
}

/** The app extension: once a table has loaded, its label columns seed the label store. */
export function tableSeedsExtension(): AppExtension {
  return (_app, ctx) => {
    const source = ctx.source;
    if (!(source instanceof ParquetSource)) return;
    void source.whenIdle().then(async () => {
      const labels = ctx.labels() as Partial<SeedTarget>;
      if (typeof labels.patchItems !== 'function') return;
      try {
        await applyLabelSeeds(labels as SeedTarget, source.seedLabels());
      } catch (error) {
        process.emitWarning(`could not seed labels from the table: ${(error as Error).message}`);
      }
    });
  };
}
