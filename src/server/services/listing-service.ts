import type { DirEntry, FoldersResponse, SearchResponse } from '../../protocol/folders.js';
import type { Item } from '../../protocol/items.js';
import { isWithin } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { Catalog } from '../catalog/catalog.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { itemView } from '../query/item-view.js';
import { SortedOrders, type SortKey, type SortOrder } from './sorted-orders.js';

export interface ListingQuery {
  path: string;
  offset: number;
  limit: number;
  sort: SortKey;
  order: SortOrder;
  recursive: boolean;
  seed: number;
  /** An item path: when it is in the listing, the window is the one holding it (deep links). */
  around?: string;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
/** How stale a sorted order may be while indexing is still adding items. */
const INDEXING_STALE_MS = 1000;

/** Folder listings (windows over cached sorted orders), item views with labels, and search. */
export class ListingService {
  private readonly orders: SortedOrders;
  private readonly lowerPaths: string[] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly labels: () => LabelLookup,
    private readonly indexing: () => boolean = () => false,
  ) {
    this.orders = new SortedOrders(catalog);
  }

  list(query: ListingQuery): FoldersResponse {
    const dir = this.catalog.dirOfPath(query.path);
    if (!dir || (dir.count === 0 && dir.id !== 0)) throw new AppError('folder_not_found', `no such folder: ${query.path}`);
    const dirs: DirEntry[] = [];
    for (const childId of dir.children) {
      const child = this.catalog.dirs[childId]!;
      if (child.count > 0) dirs.push({ name: child.name, path: child.path, count: child.count });
    }
    dirs.sort((a, b) => collator.compare(a.name, b.name));
    if (query.limit === 0) {
      // The tree only needs counts: skip building a sorted order of a possibly huge folder.
      const total = query.recursive ? dir.count : dir.items.length;
      return { path: dir.path, dirs, items: [], total, offset: query.offset, limit: 0 };
    }
    const key = { dirId: dir.id, recursive: query.recursive, sort: query.sort, order: query.order, seed: query.seed };
    const ids = this.orders.get(key, this.indexing() ? INDEXING_STALE_MS : 0);
    const offset = this.windowStart(ids, query);
    const items: Item[] = [];
    const end = Math.min(ids.length, offset + query.limit);
    for (let i = offset; i < end; i++) {
      const id = ids[i]!;
      if (this.catalog.alive[id]) items.push(this.item(id)); // a stale order may hold a removed id
    }
    return { path: dir.path, dirs, items, total: ids.length, offset, limit: query.limit };
  }

  private windowStart(ids: ArrayLike<number>, query: ListingQuery): number {
    if (query.around === undefined || query.limit === 0) return query.offset;
    const id = this.catalog.idOf(query.around);
    if (id === undefined) return query.offset;
    const at = Array.prototype.indexOf.call(ids, id) as number;
    return at < 0 ? query.offset : Math.floor(at / query.limit) * query.limit;
  }

  private item(id: number): Item {
    return itemView(this.catalog, id, this.labels().peek(this.catalog.paths[id]!));
  }

  /** Every indexed item under `path` whose path (name included), tags or notes contain `q`. */
  search(q: string, path: string, limit: number): SearchResponse {
    const dir = this.catalog.dirOfPath(path);
    if (!dir) throw new AppError('folder_not_found', `no such folder: ${path}`);
    const needle = q.trim().toLowerCase();
    if (!needle) return { items: [], total: 0 };
    const c = this.catalog;
    const matches = new Set<number>();
    c.forEachItem(dir.id, true, (id) => {
      const lower = (this.lowerPaths[id] ??= c.paths[id]!.toLowerCase());
      if (lower.includes(needle)) matches.add(id);
    });
    this.labels().forEachLabeled((itemPath, labels) => {
      if (!isWithin(itemPath, dir.path)) return;
      const hit = labels.notes.toLowerCase().includes(needle) || labels.tags.some((tag) => tag.toLowerCase().includes(needle));
      if (!hit) return;
      const id = c.idOf(itemPath);
      if (id !== undefined) matches.add(id);
    });
    const ids = [...matches].sort((a, b) => (c.paths[a]! < c.paths[b]! ? -1 : 1));
    return { items: ids.slice(0, limit).map((id) => this.item(id)), total: ids.length };
  }
}
