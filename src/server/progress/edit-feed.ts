import type { ItemUpdated } from '../../protocol/events.js';
import type { ChangesSince, StoredEvent } from '../labels/label-store.js';

/** A label write as the counters take it. */
export interface Edit {
  path: string;
  user: string;
  atMs: number;
}

/** A label write (an `item-updated` event: labels written; metrics and moves are not edits). */
export function editOf(type: string, data: unknown): Edit | undefined {
  if (type !== 'item-updated') return undefined;
  const d = data as ItemUpdated;
  const atMs = Date.parse(d.updated_at);
  return Number.isFinite(atMs) ? { path: d.path, user: d.updated_by, atMs } : undefined;
}

const PAGE = 2000;

/**
 * Every event the store's log still holds up to `head`, oldest first. The log is compacted
 * (the newest `eventRetention` events at least are kept), and asking from before its start is a
 * `reset`, so the first id it still serves is found by bisection, then read page by page.
 */
export async function* eventsInLog(eventsSince: (afterId: number, limit: number) => Promise<ChangesSince>, head: number): AsyncGenerator<StoredEvent> {
  let lo = 0;
  let hi = head;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await eventsSince(mid, 1)).reset) lo = mid + 1;
    else hi = mid;
  }
  let after = lo;
  while (after < head) {
    const page = await eventsSince(after, PAGE);
    if (page.reset || page.events.length === 0) return;
    for (const e of page.events) {
      if (e.id > head) return;
      yield e;
      after = e.id;
    }
  }
}
