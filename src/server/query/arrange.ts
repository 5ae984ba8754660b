import type { IdList } from './filters.js';
import type { ListSort, OrderBook } from './order-book.js';

/**
 * A list in ascending order for one sort key. The `valid` ids come first and are the ones that
 * have the sort value (all of them, except under a metric key); direction is applied when a
 * window is read (L4), so one arranged list serves both `asc` and `desc`.
 */
export interface Arranged {
  ids: Int32Array;
  valid: number;
}

/** Items whose metric value comes from a label: they leave the catalog column's order (L4). */
export interface LabelMetrics {
  values: Float64Array;
  /** Ids with a label-set value for the metric (any order). */
  ids: ArrayLike<number>;
}

/**
 * A scope this many times smaller than the catalog is sorted by its own keys (k log k) rather than
 * picked by walking the whole order (linear in the catalog): a 1k-item folder of a 1M-row table.
 */
const SMALL_SCOPE_RATIO = 64;

/**
 * Selects `scope` (all alive ids when absent) from the book's whole-catalog order for `sort.key`,
 * so every route lists a subset in the same relative order (L6). The result may be the book's
 * own array or `scope.ids` reused: callers only read it.
 */
export function arrange(book: OrderBook, sort: ListSort, scope?: IdList, labelMetrics?: LabelMetrics): Arranged {
  const base = book.order(sort.key, sort.seed);
  const merging = sort.key.startsWith('metric:') && labelMetrics !== undefined && labelMetrics.ids.length > 0;
  if (!scope && !merging) return { ids: base.order, valid: base.valid };
  const labeled = merging ? labelMetrics.ids : [];
  const picked =
    scope && scope.count * SMALL_SCOPE_RATIO < base.order.length
      ? pickBySort(book, sort, scope, labeled)
      : pickByWalk(book, sort, scope, labeled);
  if (picked.moved.length === 0) return { ids: picked.ids, valid: picked.valid };
  return merge(book, picked, labelMetrics!.values);
}

/**
 * The window `[offset, offset + limit)` of `scope` read in `desc` or `asc` direction (L4, L6),
 * found by walking the whole-catalog order only until the window is filled: the list as a whole
 * is never built. Undefined when the scope is small enough to be sorted by its own keys (`arrange`
 * does that faster). The scope is marked in the book's mask, which the walk reads.
 */
export function windowByWalk(book: OrderBook, sort: ListSort, scope: IdList, offset: number, limit: number, desc: boolean): Int32Array | undefined {
  const { order, valid } = book.order(sort.key, sort.seed);
  if (scope.count * SMALL_SCOPE_RATIO < order.length) return undefined;
  const keep = book.mask();
  markIds(keep, scope.ids, scope.count);
  const out = new Int32Array(Math.max(0, Math.min(limit, scope.count - offset)));
  if (out.length === 0) return out;
  let seen = desc ? walkDown(order, valid, keep, offset, out, 0) : walkUp(order, 0, valid, keep, offset, out, 0);
  if (seen < offset + out.length) seen = walkUp(order, valid, order.length, keep, offset, out, seen);
  return out;
}

function markIds(keep: Uint8Array, ids: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) keep[ids[i]!] = 1;
}

/** Walks order[from..to) upwards; the kept ids from position `offset` on fill `out`. Returns the kept count. */
function walkUp(order: Int32Array, from: number, to: number, keep: Uint8Array, offset: number, out: Int32Array, seen: number): number {
  const end = offset + out.length;
  for (let i = from; i < to && seen < end; i++) {
    const id = order[i]!;
    if (keep[id] !== 1) continue;
    if (seen >= offset) out[seen - offset] = id;
    seen++;
  }
  return seen;
}

/** `walkUp` over order[0..to) from the top down. */
function walkDown(order: Int32Array, to: number, keep: Uint8Array, offset: number, out: Int32Array, seen: number): number {
  const end = offset + out.length;
  for (let i = to - 1; i >= 0 && seen < end; i--) {
    const id = order[i]!;
    if (keep[id] !== 1) continue;
    if (seen >= offset) out[seen - offset] = id;
    seen++;
  }
  return seen;
}

/** The scope's ids in the base order, minus those a label places (returned in `moved`). */
interface Picked extends Arranged {
  moved: number[];
}

function pickByWalk(book: OrderBook, sort: ListSort, scope: IdList | undefined, labeled: ArrayLike<number>): Picked {
  const { order, valid } = book.order(sort.key, sort.seed);
  // 1 = listed, 2 = listed but placed by its label value.
  const keep = book.mask();
  if (scope) for (let i = 0; i < scope.count; i++) keep[scope.ids[i]!] = 1;
  else keep.fill(1);
  const moved: number[] = [];
  for (let i = 0; i < labeled.length; i++) {
    const id = labeled[i]!;
    if (keep[id] !== 1) continue;
    keep[id] = 2;
    moved.push(id);
  }
  // The scope's buffer is free once the mask holds it: reuse it (a 1M-row query allocates less).
  const ids = scope ? scope.ids : new Int32Array(order.length);
  let n = 0;
  for (let i = 0; i < valid; i++) if (keep[order[i]!] === 1) ids[n++] = order[i]!;
  const withValue = n;
  for (let i = valid; i < order.length; i++) if (keep[order[i]!] === 1) ids[n++] = order[i]!;
  return { ids: n === ids.length ? ids : ids.subarray(0, n), valid: withValue, moved };
}

function pickBySort(book: OrderBook, sort: ListSort, scope: IdList, labeled: ArrayLike<number>): Picked {
  const placed = labeled.length > 0 ? new Set(Array.from(labeled)) : undefined;
  const ids = scope.ids; // compacted in place: each id is read before its slot is written
  const moved: number[] = [];
  let n = 0;
  for (let i = 0; i < scope.count; i++) {
    const id = scope.ids[i]!;
    if (placed?.has(id)) moved.push(id);
    else ids[n++] = id;
  }
  const list = ids.subarray(0, n);
  const valid = book.sortFew(sort, list);
  return { ids: list, valid, moved };
}

/** Merges the label-placed ids into the ids that have a value, by (value, name) (L3, L4). */
function merge(book: OrderBook, picked: Picked, values: Float64Array): Arranged {
  const byName = book.byName();
  const before = (a: number, b: number) => values[a]! - values[b]! || byName(a, b);
  const moved = picked.moved.sort(before);
  const out = new Int32Array(picked.ids.length + moved.length);
  let n = 0;
  let m = 0;
  for (let i = 0; i < picked.valid; i++) {
    const id = picked.ids[i]!;
    while (m < moved.length && before(moved[m]!, id) < 0) out[n++] = moved[m++]!;
    out[n++] = id;
  }
  while (m < moved.length) out[n++] = moved[m++]!;
  const withValue = n;
  out.set(picked.ids.subarray(picked.valid), n);
  return { ids: out, valid: withValue };
}

/** The id at position `i` of the list read in `desc` or `asc` direction (L4). */
export function idAt(list: Arranged, i: number, desc: boolean): number {
  return desc && i < list.valid ? list.ids[list.valid - 1 - i]! : list.ids[i]!;
}

/** Position of `id` when the list is read in that direction; -1 when it is not in the list. */
export function positionOf(list: Arranged, id: number, desc: boolean): number {
  const at = list.ids.indexOf(id);
  if (at < 0) return -1;
  return desc && at < list.valid ? list.valid - 1 - at : at;
}
