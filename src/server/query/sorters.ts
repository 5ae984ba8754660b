import type { Catalog } from '../catalog/catalog.js';

/**
 * Sorted orders over every alive id of the catalog. Building one costs an O(n log n) sort, so an
 * order is cached per sort key and rebuilt only when the catalog changes; a query then walks the
 * cached order and keeps the ids that passed its filters (a linear pass over typed arrays).
 */
export interface SortedOrder {
  /** Alive ids, ascending; for metric orders the `valid` ids that have a value come first. */
  order: Int32Array;
  valid: number;
}

export function nameOrder(catalog: Catalog): SortedOrder {
  const ids = aliveIds(catalog);
  const names: string[] = new Array<string>(catalog.size);
  for (const id of ids) names[id] = catalog.nameOf(id);
  const paths = catalog.paths;
  ids.sort((a, b) => {
    const na = names[a]!;
    const nb = names[b]!;
    if (na !== nb) return na < nb ? -1 : 1;
    const pa = paths[a]!;
    const pb = paths[b]!;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  });
  return { order: ids, valid: ids.length };
}

export function addedOrder(catalog: Catalog): SortedOrder {
  const ids = aliveIds(catalog);
  const added = catalog.added;
  ids.sort((a, b) => added[a]! - added[b]! || a - b);
  return { order: ids, valid: ids.length };
}

/** Ids that have a value first (ascending by value, ties by id), then the ids without one. */
export function valueOrder(catalog: Catalog, values: Float64Array | undefined): SortedOrder {
  const all = aliveIds(catalog);
  if (!values) return { order: all, valid: 0 };
  const order = new Int32Array(all.length);
  let valid = 0;
  let missing = all.length;
  for (const id of all) {
    if (Number.isNaN(values[id]!)) order[--missing] = id;
    else order[valid++] = id;
  }
  order.subarray(valid).reverse(); // keep the missing ids in id order
  order.subarray(0, valid).sort((a, b) => values[a]! - values[b]! || a - b);
  return { order, valid };
}

/**
 * A seeded shuffle that does not depend on how many items exist: each id gets a hash of
 * (id, seed), so the same seed keeps the same relative order while the catalog grows.
 */
export function randomOrder(catalog: Catalog, seed: number): SortedOrder {
  const ids = aliveIds(catalog);
  const keys = new Uint32Array(catalog.size);
  for (const id of ids) keys[id] = mix32(id, seed);
  ids.sort((a, b) => keys[a]! - keys[b]! || a - b);
  return { order: ids, valid: ids.length };
}

function aliveIds(catalog: Catalog): Int32Array {
  const out = new Int32Array(catalog.aliveCount);
  const alive = catalog.alive;
  let n = 0;
  for (let id = 0; id < catalog.size; id++) if (alive[id]) out[n++] = id;
  return n === out.length ? out : out.slice(0, n);
}

/** A 32-bit avalanche hash (murmur3 finalizer) of an id mixed with the seed. */
export function mix32(id: number, seed: number): number {
  let h = (id ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
