import type { ItemMoved, ItemUpdated } from '../../protocol/events.js';
import type { HistoryEntry, VersionLabels } from '../../protocol/history.js';
import type { StoredEvent } from './label-store.js';

/**
 * `GET /item/history` entries with the labels each version had (SPEC LV10). Label events carry
 * the full state after their write (LS7, LS22); a metrics-only event changed no label, so its
 * labels are those of the next older label event read, or, with no label event after it, the
 * item's labels now. Otherwise (its labels lie beyond `limit`) the entry has none.
 * `current` is asked only when that last case needs it.
 */
export function historyEntries(events: readonly StoredEvent[], current: () => VersionLabels | null): HistoryEntry[] {
  const own = events.map((e) => (e.type === 'metrics-updated' ? null : labelsOf(e.data as ItemUpdated | ItemMoved)));
  const out: HistoryEntry[] = [];
  // `events` is newest first: an older label event is further down, a newer one further up.
  let newerLabelEvent = false;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    let labels = own[i] ?? undefined;
    if (!labels) {
      const older = own.slice(i + 1).find((l) => l !== null);
      labels = older ?? (newerLabelEvent ? undefined : (current() ?? undefined));
    } else newerLabelEvent = true;
    const entry: HistoryEntry = {
      event_id: e.id,
      type: e.type,
      version: e.data.version,
      updated_at: e.data.updated_at,
      updated_by: e.data.updated_by,
      changes: e.changes,
    };
    if (labels) entry.labels = { ...labels, tags: [...labels.tags] };
    out.push(entry);
  }
  return out;
}

function labelsOf(data: ItemUpdated | ItemMoved): VersionLabels {
  // Events logged before flags existed have none: unflagged.
  return { star: data.star, flag: data.flag ?? null, tags: [...data.tags], notes: data.notes };
}
