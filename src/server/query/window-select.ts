import type { Filter } from '../../protocol/query.js';
import type { Catalog } from '../catalog/catalog.js';
import { applyFilters, type FilterContext } from './filters.js';
import { MissingTopK, type SelectKey, TopK } from './top-k.js';

/**
 * Ids read, filtered and fed to the heap per step: a few ms of work at most, in a 1 MB buffer of
 * the selection's own (a sliced selection shares no buffer with the requests served between its
 * steps, and allocates nothing large enough to set off a collection of a 10M-path heap).
 */
export const SELECT_CHUNK = 1 << 18;
/**
 * The same for the name order: each id's natural key is packed from its path (and ties compared
 * as text), ~0.2 µs an id, so 256k ids would hold the loop ~50 ms a step.
 */
export const NAME_SELECT_CHUNK = 1 << 15;

/** A selected first window (TK1): the best `k` ids of the filtered scope, best first, and how many passed. */
export interface Selection {
  ids: Int32Array;
  total: number;
}

export interface SelectionAsk {
  catalog: Catalog;
  dirId: number;
  recursive: boolean;
  filters: readonly Filter[];
  /** Present when filters or label metrics are read. */
  ctx: FilterContext | undefined;
  key: SelectKey;
  desc: boolean;
  k: number;
  chunk?: number;
}

/**
 * TK1's selection as steps of one chunk of the scope each (filters applied to the chunk, then its
 * survivors offered to the heap), so a caller can yield to the event loop between them (TK3).
 * Ids without the sort value of a metric key are selected by a second pass, only when the window
 * reaches them.
 */
export function* selectionSteps(ask: SelectionAsk): Generator<void, Selection> {
  const { catalog, key, k } = ask;
  const chunk = ask.chunk ?? (key.kind === 'name' ? NAME_SELECT_CHUNK : SELECT_CHUNK);
  const buffer = new Int32Array(Math.max(1, Math.min(chunk, catalog.size)));
  const top = new TopK(k, key, ask.desc, catalog.paths);
  let total = 0;
  for (const n of scopeChunks(catalog, ask.dirId, ask.recursive, buffer)) {
    const count = filtered(buffer, n, ask);
    top.feed(buffer, count);
    total += count;
    yield;
  }
  const best = top.sorted();
  if (key.kind !== 'value' || !key.valueless || !key.values || best.length >= k || top.valid === total) return { ids: best, total };
  const rest = new MissingTopK(k - best.length, key.values, catalog.paths);
  for (const n of scopeChunks(catalog, ask.dirId, ask.recursive, buffer)) {
    rest.feed(buffer, filtered(buffer, n, ask));
    yield;
  }
  const tail = rest.sorted();
  const ids = new Int32Array(best.length + tail.length);
  ids.set(best);
  ids.set(tail, best.length);
  return { ids, total };
}

/** Applies the filters to `buffer[0..n)` in place; the survivors' count. */
function filtered(buffer: Int32Array, n: number, ask: SelectionAsk): number {
  if (!ask.ctx || ask.filters.length === 0) return n;
  const list = { ids: buffer, count: n };
  applyFilters(list, ask.filters, ask.ctx);
  return list.count;
}

/** The alive ids of a folder (its subtree when `recursive`), a buffer-full at a time: yields how many it holds. */
function* scopeChunks(catalog: Catalog, dirId: number, recursive: boolean, buffer: Int32Array): Generator<number, void> {
  const at = { from: 0, n: 0 };
  if (dirId === 0 && recursive) {
    const size = catalog.size;
    while (at.from < size) {
      fillAlive(catalog.alive, size, buffer, at);
      if (at.n === buffer.length) {
        yield at.n;
        at.n = 0;
      }
    }
  } else {
    const dirs = [dirId];
    while (dirs.length > 0) {
      const dir = catalog.dirs[dirs.pop()!]!;
      at.from = 0;
      while (at.from < dir.items.length) {
        fillItems(dir.items, buffer, at);
        if (at.n === buffer.length) {
          yield at.n;
          at.n = 0;
        }
      }
      if (recursive) for (const child of dir.children) dirs.push(child);
    }
  }
  if (at.n > 0) yield at.n;
}

// The loops are plain functions: a loop in a generator body runs interpreted at first (radix.ts).

/** Appends alive ids from `at.from` on to `buffer` from `at.n` until it is full or the ids end. */
function fillAlive(alive: Uint8Array, size: number, buffer: Int32Array, at: { from: number; n: number }): void {
  let { from: id, n } = at;
  for (; id < size && n < buffer.length; id++) if (alive[id]) buffer[n++] = id;
  at.from = id;
  at.n = n;
}

/** `fillAlive` over a folder's item ids (alive only). */
function fillItems(items: readonly number[], buffer: Int32Array, at: { from: number; n: number }): void {
  let { from: i, n } = at;
  for (; i < items.length && n < buffer.length; i++) buffer[n++] = items[i]!;
  at.from = i;
  at.n = n;
}
