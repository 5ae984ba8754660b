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
 * Selects `scope` (all alive ids when absent) from the book's whole-catalog order for `sort.key`,
 * so every route lists a subset in the same relative order (L6). Linear in the catalog size.
 * The result may be the book's own array: callers only read it.
 */
export function arrange(book: OrderBook, sort: ListSort, scope?: IdList, labelMetrics?: LabelMetrics): Arranged {
  const base = book.order(sort.key, sort.seed);
  const merging = sort.key.startsWith('metric:') && labelMetrics !== undefined && labelMetrics.ids.length > 0;
  if (!scope && !merging) return { ids: base.order, valid: base.valid };
  // 1 = in the list, 2 = in the list but placed by its label value (merged in below).
  const keep = new Uint8Array(book.idSpace);
  if (scope) for (let i = 0; i < scope.count; i++) keep[scope.ids[i]!] = 1;
  else keep.fill(1);
  const moved: number[] = [];
  if (merging) {
    for (let i = 0; i < labelMetrics.ids.length; i++) {
      const id = labelMetrics.ids[i]!;
      if (keep[id] !== 1) continue;
      keep[id] = 2;
      moved.push(id);
    }
  }
  const out = new Int32Array(scope ? scope.count : base.order.length);
  let n = 0;
  const { order, valid } = base;
  if (moved.length === 0) {
    for (let i = 0; i < valid; i++) if (keep[order[i]!] === 1) out[n++] = order[i]!;
  } else {
    const values = labelMetrics!.values;
    const byName = book.byName();
    const before = (a: number, b: number) => values[a]! - values[b]! || byName(a, b);
    moved.sort(before);
    let m = 0;
    for (let i = 0; i < valid; i++) {
      const id = order[i]!;
      if (keep[id] !== 1) continue;
      while (m < moved.length && before(moved[m]!, id) < 0) out[n++] = moved[m++]!;
      out[n++] = id;
    }
    while (m < moved.length) out[n++] = moved[m++]!;
  }
  const withValue = n;
  for (let i = valid; i < order.length; i++) if (keep[order[i]!] === 1) out[n++] = order[i]!;
  return { ids: n === out.length ? out : out.subarray(0, n), valid: withValue };
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
