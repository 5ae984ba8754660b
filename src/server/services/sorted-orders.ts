import type { Catalog } from '../catalog/catalog.js';

export type SortKey = 'name' | 'added' | 'random';
export type SortOrder = 'asc' | 'desc';

export interface OrderKey {
  dirId: number;
  recursive: boolean;
  sort: SortKey;
  order: SortOrder;
  seed: number;
}

const MAX_CACHED = 64;

/**
 * Sorted item ids per (dir, recursive, sort, order, seed), rebuilt only when the catalog's
 * generation moves. A 500-item window is then a slice, not a sort of 100k items.
 */
export class SortedOrders {
  private readonly cache = new Map<string, { generation: number; builtAt: number; ids: Int32Array }>();
  /** Natural sort key of each item's name, by id (a path never changes for an id). */
  private readonly nameKeys: string[] = [];

  constructor(private readonly catalog: Catalog) {}

  /**
   * `maxStaleMs`: while indexing, the generation moves with every batch; an order younger than
   * this is reused anyway, so a client polling a 100k listing doesn't re-sort on every request.
   */
  get(key: OrderKey, maxStaleMs = 0): Int32Array {
    const id = `${key.dirId}|${key.recursive ? 1 : 0}|${key.sort}|${key.order}|${key.sort === 'random' ? key.seed : 0}`;
    const hit = this.cache.get(id);
    const now = performance.now();
    if (hit && (hit.generation === this.catalog.generation || now - hit.builtAt < maxStaleMs)) {
      this.cache.delete(id); // re-insert: Map order doubles as LRU order
      this.cache.set(id, hit);
      return hit.ids;
    }
    const generation = this.catalog.generation;
    const ids = sortIds(this.catalog, Int32Array.from(this.catalog.itemIds(key.dirId, key.recursive)), key, this.nameKeys);
    this.cache.delete(id);
    this.cache.set(id, { generation, builtAt: now, ids });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return ids;
  }
}

/** Sorts in place; ties fall back to the path so every order is total and stable across calls. */
export function sortIds(
  catalog: Catalog,
  ids: Int32Array,
  key: Pick<OrderKey, 'sort' | 'order' | 'seed'>,
  nameKeys: string[] = [],
): Int32Array {
  const paths = catalog.paths;
  // Plain string comparison of precomputed keys is ~5× faster than Intl.Collator at 100k items.
  for (const id of ids) nameKeys[id] ??= naturalKey(catalog.nameOf(id));
  const byName = (a: number, b: number) => {
    const ka = nameKeys[a]!;
    const kb = nameKeys[b]!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    return paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0;
  };
  if (key.sort === 'name') {
    ids.sort(byName);
  } else if (key.sort === 'added') {
    const added = catalog.added;
    ids.sort((a, b) => added[a]! - added[b]! || byName(a, b));
  } else {
    const rank = new Uint32Array(catalog.size);
    for (const id of ids) rank[id] = hashPath(paths[id]!, key.seed);
    ids.sort((a, b) => rank[a]! - rank[b]! || (paths[a]! < paths[b]! ? -1 : 1));
  }
  if (key.order === 'desc') ids.reverse();
  return ids;
}

/** Case-insensitive, with digit runs zero-padded so "img2" sorts before "img10". */
export function naturalKey(name: string): string {
  return name.toLowerCase().replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, '').padStart(12, '0'));
}

/** FNV-1a over the path, seeded, then a final avalanche: a stable shuffle per seed. */
function hashPath(path: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
