import type { Sidecar } from '../../protocol/items.js';
import type { ItemUpdated, MetricsUpdated } from '../../protocol/events.js';
import { applyLabelOps } from '../../protocol/label-patch.js';
import type { LabelChanges, LabelSeedRow, LabelWrite, StoredEvent } from './label-store.js';

/** Pure state transitions shared by every LabelStore, so the implementations hold only storage code. */

export function defaultSidecar(path: string): Sidecar {
  return { path, tags: [], notes: '', star: null, flag: null, metrics: {}, version: 1, updated_at: null, updated_by: null };
}

/** The row `seedDefaults` inserts: the seed's labels at version 1, as if the item had always had them. */
export function seededSidecar(row: LabelSeedRow, stamp: { updated_at: string; updated_by: string }): Sidecar {
  return { path: row.path, tags: [...row.tags], notes: row.notes, star: row.star, flag: row.flag, metrics: {}, version: 1, ...stamp };
}

export function cloneSidecar(s: Sidecar): Sidecar {
  return { ...s, tags: [...s.tags], metrics: { ...s.metrics } };
}

export type PlannedWrite =
  | { ok: true; next: Sidecar; event: Omit<StoredEvent, 'id'> }
  | { ok: false };

/** The state after `write`, and the event that records it; `ok: false` on a version conflict. */
export function planWrite(current: Sidecar, write: LabelWrite): PlannedWrite {
  if (write.expected_version !== null && write.expected_version !== current.version) return { ok: false };
  const next = cloneSidecar(current);
  const changes: LabelChanges = {};
  // A patch applies to the state found inside the transaction, by the shared PATCH rules.
  const fields = write.labels ?? (write.patch ? applyLabelOps(current, write.patch) : undefined);
  if (fields) {
    next.tags = [...fields.tags];
    next.notes = fields.notes;
    next.star = fields.star;
    next.flag = fields.flag === undefined ? current.flag : fields.flag;
    if (current.star !== next.star) changes.star = { from: current.star, to: next.star };
    if (current.flag !== next.flag) changes.flag = { from: current.flag, to: next.flag };
    if (current.notes !== next.notes) changes.notes = { from: clip(current.notes), to: clip(next.notes) };
    const added = next.tags.filter((t) => !current.tags.includes(t));
    const removed = current.tags.filter((t) => !next.tags.includes(t));
    if (added.length || removed.length) changes.tags = { added, removed };
  }
  if (write.metrics) {
    next.metrics = write.replace_metrics ? { ...write.metrics } : { ...current.metrics, ...write.metrics };
    const diff: NonNullable<LabelChanges['metrics']> = {};
    for (const [name, value] of Object.entries(write.metrics)) {
      if (current.metrics[name] !== value) diff[name] = { from: current.metrics[name] ?? null, to: value };
    }
    if (Object.keys(diff).length) changes.metrics = diff;
  }
  next.version = Math.max(current.version + 1, write.min_version ?? 0);
  next.updated_at = write.updated_at;
  next.updated_by = write.updated_by;
  return { ok: true, next, event: eventFor(next, fields ? 'item-updated' : 'metrics-updated', changes) };
}

function eventFor(s: Sidecar, type: StoredEvent['type'], changes: LabelChanges): Omit<StoredEvent, 'id'> {
  const updated_at = s.updated_at ?? '';
  const updated_by = s.updated_by ?? '';
  if (type === 'metrics-updated') {
    const data: MetricsUpdated = { path: s.path, version: s.version, metrics: { ...s.metrics }, updated_at, updated_by };
    return { type, path: s.path, data, changes };
  }
  const data: ItemUpdated = {
    path: s.path,
    version: s.version,
    tags: [...s.tags],
    notes: s.notes,
    star: s.star,
    flag: s.flag,
    metrics: { ...s.metrics },
    updated_at,
    updated_by,
  };
  return { type, path: s.path, data, changes };
}

const HISTORY_NOTES_CHARS = 500;
function clip(text: string): string {
  return text.length > HISTORY_NOTES_CHARS ? `${text.slice(0, HISTORY_NOTES_CHARS)}…` : text;
}
