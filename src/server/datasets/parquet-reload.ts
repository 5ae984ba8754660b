import type { Catalog } from '../catalog/catalog.js';
import type { DatasetChange } from './dataset-source.js';

/**
 * Applies a reloaded table (loaded into a scratch catalog) to the catalog being served, in one
 * synchronous step so no request sees half of it. The served catalog is the same object routes
 * hold: rows are upserted by path (ids of kept paths do not change), vanished paths are
 * tombstoned, and metric columns are rebuilt for the served catalog's ids.
 */
export interface ReloadApplied {
  change: DatasetChange;
  /** `liveIds[scratchId]`: the served catalog's id of each scratch row; -1 for dead scratch ids. */
  liveIds: Int32Array;
}

/**
 * `metrics`: the new table's metric columns. `addedFromTable`: whether its rows carry their own
 * `added` time; without one, a kept row keeps the time it was first served with (the new file's
 * mtime would reorder every row sorted by date).
 */
export function applyReload(live: Catalog, next: Catalog, metrics: readonly string[], addedFromTable: boolean): ReloadApplied {
  const sizeBefore = live.size;
  const liveIds = new Int32Array(next.size).fill(-1);
  const added: string[] = [];
  const changed: string[] = [];
  for (let s = 0; s < next.size; s++) {
    if (!next.alive[s]) continue;
    const p = next.paths[s]!;
    const before = live.idOf(p);
    const source = next.sources[s];
    const size = next.bytes[s]!;
    // Same source and no other size: the same bytes, so what was learned about them still holds.
    const same = before !== undefined && live.sources[before] === source && (size === 0 || size === live.bytes[before]);
    const keepDims = same && next.width[s] === 0;
    const id = live.upsert({
      path: p,
      type: next.typeOf(s),
      w: keepDims ? live.width[before] : next.width[s],
      h: keepDims ? live.height[before] : next.height[s],
      size: size === 0 && same ? live.bytes[before] : size,
      addedMs: before !== undefined && !addedFromTable ? live.added[before] : next.added[s],
      source,
    });
    // upsert keeps an earlier explicit source when the new row's source is implied by its path.
    live.setSource(id, source);
    liveIds[s] = id;
    if (before === undefined) added.push(p);
    else if (!same) changed.push(p);
  }

  const kept = new Uint8Array(live.size);
  for (const id of liveIds) if (id >= 0) kept[id] = 1;
  const removedIds: number[] = [];
  const removed: string[] = [];
  for (let id = 0; id < sizeBefore; id++) {
    if (live.alive[id] && !kept[id]) {
      removedIds.push(id);
      removed.push(live.paths[id]!);
    }
  }
  live.removeMany(removedIds);

  const wanted = new Set(metrics);
  for (const name of [...live.metrics.keys()]) if (!wanted.has(name)) live.metrics.delete(name);
  for (const name of metrics) {
    const from = next.metrics.get(name);
    // Built at the catalog's capacity and adopted: no second copy of a column per metric.
    const column = new Float64Array(live.width.length).fill(Number.NaN);
    if (from) for (let s = 0; s < liveIds.length; s++) if (liveIds[s]! >= 0) column[liveIds[s]!] = from[s]!;
    live.adoptMetricColumn(name, column);
  }
  live.metricsGeneration++;
  live.generation++; // `added` and dimensions may have changed under kept ids: rebuild sorted orders
  return { change: { added, removed, changed }, liveIds };
}
