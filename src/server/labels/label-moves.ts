import type { ItemMoved } from '../../protocol/events.js';
import type { Sidecar } from '../../protocol/items.js';
import { cloneSidecar } from './label-model.js';
import type { LabelMove, StoredEvent } from './label-store.js';

/**
 * Pure state transitions of `LabelStore.move` (SPEC LS20–LS24) and the history walk that follows
 * moves (LS23), shared by every store so each holds only storage code.
 */

export type PlannedMove =
  | { status: 'moved'; from: string; next: Sidecar; event: Omit<StoredEvent, 'id'> }
  | { status: 'skipped'; reason: 'unlabeled' | 'taken' };

/**
 * Plans one `move` call as a permutation: every `from` row is taken out before any `to` is
 * checked, so `a→b, b→a` swaps. A skipped move leaves its `from` row in place, which can make
 * another move's `to` taken: skips are resolved to a fixed point before anything is placed.
 * `rowAt` reads the stored row of any path named in `moves` (undefined: no row).
 */
export function planMoves(
  moves: readonly LabelMove[],
  rowAt: (path: string) => Sidecar | undefined,
  stamp: { updated_at: string; updated_by: string },
): PlannedMove[] {
  const skipped = new Map<number, 'unlabeled' | 'taken'>();
  // The move that takes each `from` out: the first one naming it (a row leaves only once).
  const taker = new Map<string, number>();
  moves.forEach((m, i) => {
    if (!rowAt(m.from) || taker.has(m.from)) skipped.set(i, 'unlabeled');
    else if (m.from === m.to) skipped.set(i, 'taken');
    else taker.set(m.from, i);
  });
  for (let changed = true; changed; ) {
    changed = false;
    const claimed = new Set<string>();
    moves.forEach((m, i) => {
      if (skipped.has(i)) return;
      const leaving = taker.has(m.to) && !skipped.has(taker.get(m.to)!);
      if (claimed.has(m.to) || (rowAt(m.to) && !leaving)) {
        skipped.set(i, 'taken');
        changed = true;
      } else {
        claimed.add(m.to);
      }
    });
  }
  return moves.map((m, i): PlannedMove => {
    const reason = skipped.get(i);
    if (reason) return { status: 'skipped', reason };
    const next = { ...cloneSidecar(rowAt(m.from)!), path: m.to, ...stamp };
    next.version += 1;
    const data: ItemMoved = {
      from: m.from,
      to: m.to,
      version: next.version,
      tags: [...next.tags],
      notes: next.notes,
      star: next.star,
      flag: next.flag,
      metrics: { ...next.metrics },
      updated_at: stamp.updated_at,
      updated_by: stamp.updated_by,
    };
    return { status: 'moved', from: m.from, next, event: { type: 'item-moved', path: m.to, data, changes: { moved: { from: m.from, to: m.to } } } };
  });
}

/**
 * What a history walk needs from a store's log. Every `item-moved` event also records the first
 * event id of its `move` call (its batch): the moves of one call happen at once, so a path that
 * is both a `from` and a `to` in one call ends its old life and starts its new one in the same
 * batch, whatever the order of the two events inside it.
 */
export interface MoveLog {
  /** Events whose path is `path` with `floor < id < before`, newest first, at most `limit`. */
  eventsOf(path: string, floor: number, before: number, limit: number): StoredEvent[];
  /** The batch of the newest move out of `path` (an `item-moved` whose `from` is it) with id < before, or 0. */
  lastMoveOutBatch(path: string, before: number): number;
  /** The batch of the `item-moved` event `id`. */
  batchOf(id: number): number;
}

/**
 * `history(path)` by LS23: the path's events since it last lost its row to a move, and past a
 * move into it, the events its `from` had before that move, and so on back, newest first.
 */
export function traceHistory(log: MoveLog, path: string, limit: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  let current = path;
  let before = Number.MAX_SAFE_INTEGER;
  while (out.length < limit) {
    const outBatch = log.lastMoveOutBatch(current, before);
    // Events from that move's batch on belong to the path's next life (a move into it).
    const floor = outBatch > 0 ? outBatch - 1 : 0;
    let movedIn: StoredEvent | undefined;
    for (const e of log.eventsOf(current, floor, before, limit - out.length)) {
      out.push(e);
      if (e.type === 'item-moved') {
        movedIn = e;
        break;
      }
    }
    if (!movedIn) break;
    current = (movedIn.data as ItemMoved).from;
    before = log.batchOf(movedIn.id);
  }
  return out;
}
