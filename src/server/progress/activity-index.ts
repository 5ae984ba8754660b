import { parentPath } from '../../protocol/paths.js';

/** Event ids in increasing order, in a growable typed array (8 bytes each: PostgreSQL ids are bigints). */
class IdList {
  ids = new Float64Array(4);
  length = 0;

  add(id: number): void {
    if (this.length === this.ids.length) {
      const grown = new Float64Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    // Live events come in id order; only the start's read of the log (older ids) lands further in.
    let at = this.length;
    if (at > 0 && this.ids[at - 1]! >= id) {
      at = lowerBound(this.ids, this.length, id);
      if (this.ids[at] === id) return;
      this.ids.copyWithin(at + 1, at, this.length);
    }
    this.ids[at] = id;
    this.length++;
  }

  /** Drops the ids below `id`. */
  dropBelow(id: number): void {
    const cut = lowerBound(this.ids, this.length, id);
    if (cut === 0) return;
    this.ids.copyWithin(0, cut, this.length);
    this.length -= cut;
  }
}

/** The first index in `ids[0, length)` whose id is ≥ `id`. */
function lowerBound(ids: Float64Array, length: number, id: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ActivityPage {
  /** Event ids, newest first. */
  ids: number[];
  /** Whether the index holds older ids for this folder than the last one given. */
  more: boolean;
}

/**
 * Which label events (item writes and moves, by event id) happened in which folder (PR11): each
 * id is listed under the folder of its item (both folders for a move) and under the subtree of
 * every folder above it, so a page of a folder's recent changes, flat or with its subtree, is a
 * binary search and a slice of one list, whatever the size of the log or of the dataset. The
 * events themselves stay in the store's log; past `cap` events the oldest half is forgotten.
 */
export class ActivityIndex {
  private readonly own = new Map<string, IdList>();
  private readonly tree = new Map<string, IdList>();
  /** Every id: the root's subtree list, but kept even with no root folder yet. */
  private readonly all = new IdList();
  private forgottenBelow = 0;

  constructor(private readonly cap = 250_000) {}

  get size(): number {
    return this.all.length;
  }

  /** Bytes its lists hold (their capacity). */
  get bytes(): number {
    let total = this.all.ids.byteLength;
    for (const lists of [this.own, this.tree]) for (const list of lists.values()) total += list.ids.byteLength;
    return total;
  }

  /** Ids below this were forgotten (and are not taken again: the start's read may still bring some). */
  get floor(): number {
    return this.forgottenBelow;
  }

  /** Event `id` changed the items at `paths` (a move: its `from` and `to`). */
  add(id: number, paths: readonly string[]): void {
    if (id < this.forgottenBelow) return;
    const folders = new Set(paths.map(parentPath));
    const above = new Set<string>();
    for (const folder of folders) {
      listOf(this.own, folder).add(id);
      for (let at = folder; !above.has(at); at = parentPath(at)) {
        above.add(at);
        if (at === '/') break;
      }
    }
    for (const folder of above) listOf(this.tree, folder).add(id);
    this.all.add(id);
    if (this.all.length > this.cap) this.forgetBefore(this.all.ids[this.all.length - (this.cap >> 1)]!);
  }

  /** At most `limit` ids of `folder` (with its subtree when `recursive`) below `before`, newest first. */
  page(folder: string, recursive: boolean, before: number, limit: number): ActivityPage {
    const list = (recursive ? this.tree : this.own).get(folder);
    if (!list) return { ids: [], more: false };
    const end = lowerBound(list.ids, list.length, before);
    const start = Math.max(0, end - limit);
    const ids: number[] = [];
    for (let i = end - 1; i >= start; i--) ids.push(list.ids[i]!);
    return { ids, more: start > 0 };
  }

  /** Forgets the ids below `id` (the log no longer holds them). */
  forgetBefore(id: number): void {
    if (id <= this.forgottenBelow) return;
    this.forgottenBelow = id;
    for (const lists of [this.own, this.tree]) {
      for (const [folder, list] of lists) {
        list.dropBelow(id);
        if (list.length === 0) lists.delete(folder);
      }
    }
    this.all.dropBelow(id);
  }
}

function listOf(lists: Map<string, IdList>, folder: string): IdList {
  let list = lists.get(folder);
  if (!list) {
    list = new IdList();
    lists.set(folder, list);
  }
  return list;
}
