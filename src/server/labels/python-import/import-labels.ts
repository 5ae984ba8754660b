import type { Sidecar } from '../../../protocol/items.js';
import { checkNotes, normalizeTags } from '../label-input.js';
import type { LabelStore, LabelWrite } from '../label-store.js';
import type { ImportMarks } from './import-marks.js';
import type { PythonRecord } from './python-labels.js';

export interface LabelImportCounts {
  /** Snapshot items and log records written. */
  items: number;
  logRecords: number;
  /** Records this database already holds (an earlier import). */
  already: number;
  /** Records our limits refuse (too many tags, notes too long, …). */
  refused: number;
  examples: string[];
}

const CHUNK = 500;
export const PYTHON_IMPORT_USER = 'python-import';

/**
 * Writes each record not yet imported as its own write: stamped with the record's author and
 * time (so history shows one entry per record), labels replaced, metrics replaced when the record
 * has them, version at least the Python one. A record counts as imported when the marks say so,
 * or when the item's stored state is that record's or a later one's: that covers an import that
 * stopped between a commit and its marks.
 */
export async function importLabelChains(
  store: LabelStore,
  marks: ImportMarks,
  chains: ReadonlyMap<string, readonly PythonRecord[]>,
  now: string,
): Promise<LabelImportCounts> {
  const counts: LabelImportCounts = { items: 0, logRecords: 0, already: 0, refused: 0, examples: [] };
  let writes: LabelWrite[] = [];
  let written = new Map<string, number>();
  const flush = async () => {
    if (writes.length > 0) await store.commit([{ writes }], Date.now());
    if (written.size > 0) marks.mark(written);
    writes = [];
    written = new Map();
  };
  const paths = [...chains.keys()];
  for (let i = 0; i < paths.length; i += CHUNK) {
    const slice = paths.slice(i, i + CHUNK);
    const stored = await store.getMany(slice);
    slice.forEach((path, j) => {
      const chain = chains.get(path)!;
      const done = Math.max(marks.imported(path), lastHeld(stored[j]!, chain));
      for (const record of chain) {
        if (record.version <= done) {
          counts.already++;
          continue;
        }
        const write = toWrite(record, now);
        if (typeof write === 'string') {
          counts.refused++;
          if (counts.examples.length < 5) counts.examples.push(`${path} (version ${record.version}): ${write}`);
          continue;
        }
        writes.push(write);
        written.set(path, record.version);
        if (record.from === 'snapshot') counts.items++;
        else counts.logRecords++;
      }
    });
    if (writes.length >= CHUNK) await flush();
  }
  await flush();
  return counts;
}

/** The version of the newest record the stored item already reflects, or 0. */
function lastHeld(stored: Sidecar, chain: readonly PythonRecord[]): number {
  for (let i = chain.length - 1; i >= 0; i--) {
    const r = chain[i]!;
    if (stored.version < r.version || stored.updated_at !== r.updated_at || stored.updated_by !== r.updated_by) continue;
    if (r.labels && (stored.star !== r.labels.star || stored.notes !== r.labels.notes || stored.tags.join('\n') !== r.labels.tags.join('\n'))) continue;
    return r.version;
  }
  return 0;
}

function toWrite(record: PythonRecord, now: string): LabelWrite | string {
  const write: LabelWrite = {
    path: record.path,
    expected_version: null,
    min_version: record.version,
    updated_at: record.updated_at ?? now,
    updated_by: record.updated_by ?? PYTHON_IMPORT_USER,
  };
  try {
    if (record.labels) {
      write.labels = { tags: normalizeTags(record.labels.tags, 'tags'), notes: checkNotes(record.labels.notes, 'notes'), star: record.labels.star };
    }
  } catch (error) {
    return (error as Error).message;
  }
  if (record.metrics) {
    write.metrics = record.metrics;
    write.replace_metrics = true;
  }
  return write;
}
