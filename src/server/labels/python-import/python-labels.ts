import * as z from 'zod';
import { canonicalPath } from '../../../protocol/paths.js';

/**
 * The Python Lenslet's label files, read as its own startup did: the snapshot, then each log line
 * whose id is past the snapshot's `last_event_id` and whose version is above what the item has so
 * far. The result keeps every applicable record (not just the final state), so each can become
 * one history entry attributed to its own author and time.
 */
export interface PythonRecord {
  /** Canonical path. */
  path: string;
  version: number;
  /** Absent for a record that carried metrics only. */
  labels?: { tags: string[]; notes: string; star: number | null };
  metrics?: Record<string, number>;
  updated_at: string | null;
  updated_by: string | null;
  from: 'snapshot' | 'log';
}

export interface PythonLabels {
  /** Applicable records per path, oldest first. */
  chains: Map<string, PythonRecord[]>;
  snapshotItems: number;
  logRecords: number;
  /** Log lines already covered by the snapshot, or not newer than the item. */
  superseded: number;
  malformed: number;
  badPaths: number;
  /** One example per kind of problem, for the report. */
  examples: string[];
}

const MAX_EXAMPLES = 5;
const star = z.number().int().min(0).max(5).nullable();
const metrics = z.record(z.string(), z.number().nullable()).nullable().optional();
const stamp = { updated_at: z.string().nullable().optional(), updated_by: z.string().nullable().optional() };
const snapshotItemSchema = z.object({
  tags: z.array(z.string()).optional(),
  notes: z.string().nullable().optional(),
  star: star.optional(),
  version: z.number().int().min(1),
  ...stamp,
  metrics,
});
const snapshotSchema = z.object({
  last_event_id: z.number().int().nullable().optional(),
  items: z.record(z.string(), z.unknown()),
});
const logLineSchema = snapshotItemSchema.extend({ id: z.number().int(), type: z.string().optional(), path: z.string() });

/** `snapshotText` / `logText`: file contents, or undefined when the file is absent. */
export function readPythonLabels(snapshotText: string | undefined, logText: string | undefined): PythonLabels {
  const out: PythonLabels = { chains: new Map(), snapshotItems: 0, logRecords: 0, superseded: 0, malformed: 0, badPaths: 0, examples: [] };
  const note = (text: string) => {
    if (out.examples.length < MAX_EXAMPLES) out.examples.push(text);
  };
  let lastEventId = 0;
  if (snapshotText !== undefined) {
    const snapshot = snapshotSchema.safeParse(safeJson(snapshotText));
    if (!snapshot.success) {
      // The log alone still holds what was written since the last snapshot: keep going without it.
      out.malformed++;
      note('labels.snapshot.json is not a Python Lenslet snapshot; read the log only');
    } else {
      lastEventId = snapshot.data.last_event_id ?? 0;
      for (const [rawPath, rawItem] of Object.entries(snapshot.data.items)) {
        const item = snapshotItemSchema.safeParse(rawItem);
        if (!item.success) {
          out.malformed++;
          note(`snapshot item ${JSON.stringify(rawPath)}: ${item.error.issues[0]?.message}`);
          continue;
        }
        const path = canonicalPath(rawPath);
        if (!path.ok) {
          out.badPaths++;
          note(`path ${JSON.stringify(rawPath)}: ${path.reason}`);
          continue;
        }
        out.chains.set(path.path, [toRecord(path.path, item.data, 'snapshot')]);
        out.snapshotItems++;
      }
    }
  }
  if (logText === undefined) return out;
  const lines = logText.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    // A torn last line is normal for an append-only log cut short by a crash: skip, never abort.
    const parsed = logLineSchema.safeParse(safeJson(line));
    if (!parsed.success) {
      out.malformed++;
      note(`labels.log.jsonl line ${index + 1}: not a label record`);
      return;
    }
    const record = parsed.data;
    if (record.id <= lastEventId) {
      out.superseded++;
      return;
    }
    const path = canonicalPath(record.path);
    if (!path.ok) {
      out.badPaths++;
      note(`path ${JSON.stringify(record.path)}: ${path.reason}`);
      return;
    }
    const chain = out.chains.get(path.path) ?? [];
    const previous = chain.at(-1);
    if (previous && record.version <= previous.version) {
      out.superseded++;
      return;
    }
    const next = toRecord(path.path, record, 'log');
    // A metrics-only record leaves the labels as they were; one with neither carries nothing.
    if (!next.labels && !next.metrics) {
      out.malformed++;
      note(`labels.log.jsonl line ${index + 1}: neither labels nor metrics`);
      return;
    }
    chain.push(next);
    out.chains.set(path.path, chain);
    out.logRecords++;
  });
  return out;
}

type RawItem = z.infer<typeof snapshotItemSchema>;

function toRecord(path: string, raw: RawItem, from: PythonRecord['from']): PythonRecord {
  const hasLabels = raw.tags !== undefined || raw.notes !== undefined || raw.star !== undefined;
  const record: PythonRecord = { path, version: raw.version, updated_at: raw.updated_at ?? null, updated_by: raw.updated_by ?? null, from };
  if (hasLabels || from === 'snapshot') record.labels = { tags: raw.tags ?? [], notes: raw.notes ?? '', star: raw.star ?? null };
  if (raw.metrics) {
    // The Python side allowed null for a missing value; here a missing metric is simply absent.
    record.metrics = Object.fromEntries(Object.entries(raw.metrics).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  }
  return record;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
