import type { ActivityEntry, ActivityResponse } from '../../protocol/progress.js';
import type { ItemMoved, ItemUpdated } from '../../protocol/events.js';
import type { ChangesSince, StoredEvent } from '../labels/label-store.js';
import type { ActivityIndex } from './activity-index.js';

export type EventsSince = (afterId: number, limit: number) => Promise<ChangesSince>;

/**
 * Ids closer than this share one read of the log (the events between them are read and
 * skipped): a page costs at most one read per entry and at most this many events read per entry.
 */
const GAP = 16;

/** The paths a label event changed, if the activity feed lists it: a write, or a move (both ends). */
export function activityPaths(type: string, data: unknown): string[] | undefined {
  if (type === 'item-updated') return [(data as ItemUpdated).path];
  if (type === 'item-moved') {
    const d = data as ItemMoved;
    return [d.from, d.to];
  }
  return undefined;
}

/**
 * One page of a folder's recent label changes (PR11): the index gives the ids, the store's log
 * the events, read in runs of nearby ids. Ids the log no longer holds (compacted) end the feed
 * there and are forgotten by the index.
 */
export async function readActivity(
  index: ActivityIndex,
  eventsSince: EventsSince,
  query: { folder: string; recursive: boolean; before: number; limit: number },
): Promise<ActivityResponse> {
  const page = index.page(query.folder, query.recursive, query.before, query.limit);
  const { found, gone } = await eventsByIds([...page.ids].reverse(), eventsSince);
  if (gone > 0) index.forgetBefore(gone + 1);
  const entries: ActivityEntry[] = [];
  for (const id of page.ids) {
    const event = found.get(id);
    if (event) entries.push(entryOf(event));
  }
  const last = page.ids.at(-1);
  const more = page.more && gone === 0 && last !== undefined;
  return { entries, next_before: more ? last : null };
}

/** The events of `ids` (increasing) that the log still holds, and the highest id it no longer does (0: none). */
async function eventsByIds(ids: readonly number[], eventsSince: EventsSince): Promise<{ found: Map<number, StoredEvent>; gone: number }> {
  const found = new Map<number, StoredEvent>();
  let gone = 0;
  const wanted = new Set(ids);
  for (let i = 0; i < ids.length; ) {
    let j = i + 1;
    while (j < ids.length && ids[j]! - ids[j - 1]! <= GAP) j++;
    const first = ids[i]!;
    const last = ids[j - 1]!;
    const read = await eventsSince(first - 1, last - first + 1);
    if (!read.reset) {
      for (const e of read.events) if (wanted.has(e.id)) found.set(e.id, e);
    } else {
      // The run straddles the start of the log: ask id by id (only ever at that boundary).
      for (const id of ids.slice(i, j)) {
        const one = await eventsSince(id - 1, 1);
        if (one.reset) gone = Math.max(gone, id);
        else if (one.events[0]?.id === id) found.set(id, one.events[0]);
      }
    }
    i = j;
  }
  return { found, gone };
}

function entryOf(e: StoredEvent): ActivityEntry {
  const d = e.data as ItemUpdated | ItemMoved;
  const path = 'to' in d ? d.to : d.path;
  return {
    id: e.id,
    kind: e.type === 'item-moved' ? 'moved' : 'updated',
    path,
    user: d.updated_by,
    at: d.updated_at,
    version: d.version,
    changes: e.changes,
  };
}
