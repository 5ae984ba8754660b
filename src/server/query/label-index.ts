import type { Catalog } from '../catalog/catalog.js';
import type { LabelLookup, LabelSnapshot } from '../labels/label-lookup.js';

/**
 * The labeled items resolved to catalog ids, built once per query (labels are sparse next to a
 * million-row catalog, so walking them is cheaper than a `peek` per row). Cached while the label
 * revision, when the caller can supply one, and the catalog generation stay the same.
 */
export interface LabelIndex {
  ids: Int32Array;
  labels: LabelSnapshot[];
}

export function buildLabelIndex(catalog: Catalog, lookup: LabelLookup): LabelIndex {
  const ids: number[] = [];
  const labels: LabelSnapshot[] = [];
  lookup.forEachLabeled((path, snapshot) => {
    const id = catalog.idOf(path);
    if (id === undefined) return;
    ids.push(id);
    labels.push(snapshot);
  });
  return { ids: Int32Array.from(ids), labels };
}
