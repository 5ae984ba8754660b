import type { Item } from '../../protocol/items.js';
import type { Catalog } from '../catalog/catalog.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';

/**
 * One catalog row as the wire `Item`: file facts, labels (defaults when never labeled, version 1
 * like the label store's default sidecar)
 * and metrics, where label metrics override and extend the catalog's columns.
 */
export function itemView(catalog: Catalog, id: number, labels: LabelSnapshot | undefined): Item {
  const metrics: Record<string, number> = {};
  let any = false;
  for (const [name, column] of catalog.metrics) {
    const v = column[id]!;
    if (!Number.isNaN(v)) {
      metrics[name] = v;
      any = true;
    }
  }
  if (labels) {
    for (const [name, v] of Object.entries(labels.metrics)) {
      metrics[name] = v;
      any = true;
    }
  }
  const added = catalog.added[id]!;
  const item: Item = {
    path: catalog.paths[id]!,
    name: catalog.nameOf(id),
    type: catalog.typeOf(id),
    w: catalog.width[id]!,
    h: catalog.height[id]!,
    size: catalog.bytes[id]!,
    added_at: new Date(Number.isFinite(added) ? added : 0).toISOString(),
    star: labels?.star ?? null,
    tags: labels ? [...labels.tags] : [],
    notes: labels?.notes ?? '',
    version: labels?.version ?? 1,
  };
  if (any) item.metrics = metrics;
  return item;
}
