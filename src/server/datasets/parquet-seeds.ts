import { AppError } from '../app-error.js';
import type { LabelSeedRow } from '../labels/label-store.js';
import type { DatasetSource, LabelSeed } from './dataset-source.js';

/** What seeding needs from the label service. */
export interface SeedTarget {
  seed(rows: readonly LabelSeedRow[], by: string): Promise<{ inserted: number; skipped: number }>;
  announceRefetch(reason: string): void;
}

export interface SeedResult {
  /** Items that got the table's labels as their version-1 state. */
  inserted: number;
  /** Items that already had a row in the store (labeled or seeded before): left as they are. */
  kept: number;
  /** Seeds over the write limits (tag length, tag count, notes size) or for an unknown path. */
  skipped: number;
}

const BATCH = 5000;
/** `updated_by` of a seeded item: its labels came from the table, at the time it was first served. */
export const SEEDED_BY = 'table';

/**
 * Inserts the table's `tags`/`star`/`flag`/`notes` as the version-1 state of every item the label store
 * has no row for (SPEC LS16): labels made since, or seeded by an earlier run, are never overridden,
 * and no event is logged. Batches yield to the event loop so requests keep being answered. When
 * anything was inserted, open clients get one id-less `resync` (reason `labels_seeded`): their
 * listings were fetched before the seeds, and no event tells them item by item.
 */
export async function applyLabelSeeds(
  target: SeedTarget,
  seeds: Iterable<LabelSeed>,
  shouldStop: () => boolean = () => false,
): Promise<SeedResult> {
  const result: SeedResult = { inserted: 0, kept: 0, skipped: 0 };
  let batch: LabelSeed[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const { inserted, skipped } = await target.seed(rows, SEEDED_BY);
    result.inserted += inserted;
    result.skipped += skipped;
    result.kept += rows.length - inserted - skipped;
    // setImmediate, not a microtask: lets pending I/O (/health, listings) run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (const seed of seeds) {
    if (shouldStop()) break;
    batch.push(seed);
    if (batch.length === BATCH) await flush();
  }
  if (!shouldStop()) await flush();
  if (result.inserted > 0) target.announceRefetch('labels_seeded');
  return result;
}

/** A table's seeding under way: `done` settles once it has finished (or was stopped). */
export interface TableSeeding {
  done: Promise<SeedResult | undefined>;
  /** Stops after the batch in flight and waits for it, not for a table still loading. */
  stop(): Promise<void>;
}

/**
 * Once the table has loaded (and `after` settled: the moves of items whose paths changed), its label
 * columns seed the label store (see `applyLabelSeeds`); null for a source that carries no labels
 * (no `labelSeeds`: folders).
 */
export function startTableSeeds(source: DatasetSource, target: SeedTarget, after?: Promise<unknown>): TableSeeding | null {
  const labelSeeds = source.labelSeeds?.bind(source);
  if (!labelSeeds) return null;
  let stopped = false;
  let seeding: Promise<SeedResult | undefined> | undefined;
  const done = Promise.all([source.whenIdle(), after]).then(
    () => {
      if (stopped) return undefined;
      seeding = seedTable(target, labelSeeds, () => stopped);
      return seeding;
    },
    () => undefined,
  );
  return {
    done,
    stop: async () => {
      stopped = true;
      await seeding;
    },
  };
}

async function seedTable(target: SeedTarget, labelSeeds: () => Iterable<LabelSeed>, shouldStop: () => boolean): Promise<SeedResult | undefined> {
  try {
    const result = await applyLabelSeeds(target, labelSeeds(), shouldStop);
    if (result.skipped > 0) {
      process.emitWarning(`${result.skipped} label seed(s) from the table break the label limits (tag length or count, notes size) or name no item, and were skipped`);
    }
    return result;
  } catch (error) {
    // Shutting down while seeding: the next start seeds what is left.
    if (error instanceof AppError && error.code === 'read_only') return undefined;
    process.emitWarning(`could not seed labels from the table: ${(error as Error).message}`);
    return undefined;
  }
}
