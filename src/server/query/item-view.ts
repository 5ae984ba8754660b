import type { Item } from '../../protocol/items.js';
import type { Catalog } from '../catalog/catalog.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';

const NO_TAGS: readonly string[] = [];

/**
 * One catalog row as the wire `Item`: file facts, labels (defaults when never labeled, version 1
 * like the label store's default sidecar)
 * and metrics, where label metrics override and extend the catalog's columns.
 */
export function itemView(catalog: Catalog, id: number, labels: LabelSnapshot | undefined): Item {
  return new ItemView(catalog, id, labels);
}

/**
 * Built by a constructor and with no array literal, because V8 pretenures object and array
 * literals by allocation site: once a scavenge caught one window's 500 items alive, every later
 * item was allocated in old space, a listing window added ~110 KB there until the next
 * mark-compact, and 600 windows raised the folder bench's peak RSS by ~55 MB (PERFORMANCE.md).
 * Objects made by `new` have no allocation site (nor has an empty `{}`). Fields are declared in
 * the wire order.
 */
class ItemView implements Item {
  path: string;
  name: string;
  type: Item['type'];
  w: number;
  h: number;
  size: number;
  added_at: string;
  star: number | null;
  flag: Item['flag'];
  tags: string[];
  notes: string;
  version: number;
  /** Only set when the item has a metric (`declare`: no own property otherwise). */
  declare metrics?: Record<string, number>;

  constructor(catalog: Catalog, id: number, labels: LabelSnapshot | undefined) {
    const added = catalog.added[id]!;
    this.path = catalog.paths[id]!;
    this.name = catalog.nameOf(id);
    this.type = catalog.typeOf(id);
    this.w = catalog.width[id]!;
    this.h = catalog.height[id]!;
    this.size = catalog.bytes[id]!;
    this.added_at = new Date(Number.isFinite(added) ? added : 0).toISOString();
    this.star = labels?.star ?? null;
    this.flag = labels?.flag ?? null;
    this.tags = Array.from(labels?.tags ?? NO_TAGS);
    this.notes = labels?.notes ?? '';
    this.version = labels?.version ?? 1;
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
    if (any) this.metrics = metrics;
  }
}
