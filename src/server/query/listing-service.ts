import type { DirEntry, FoldersResponse, SearchResponse } from '../../protocol/folders.js';
import { isWithin, joinPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { Catalog, DirNode } from '../catalog/catalog.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { compareNatural, naturalKey } from './collation.js';
import { itemView } from './item-view.js';
import type { ListSort, SortDirection, SortKey } from './order-book.js';
import type { QueryEngine, WindowAsk } from './query-engine.js';

export interface ListingQuery {
  path: string;
  offset: number;
  limit: number;
  sort: SortKey;
  order: SortDirection;
  recursive: boolean;
  seed: number;
  /** An item path: when it is in the listing, the window is the one holding it (deep links). */
  around?: string;
}

/**
 * Folder listings, search, and the query engine they share: `/folders` and `/search` are lists
 * of the same engine as `/query` (SPEC.md), with folders and matches sorted by the same rules.
 */
export class ListingService {
  private readonly lowerPaths: string[] = [];
  private readonly dirKeys: string[] = [];

  constructor(
    private readonly catalog: Catalog,
    readonly engine: QueryEngine,
    private readonly labels: LabelLookup,
  ) {}

  /**
   * Resolves once the order a listing with this sort needs can be built without a long pause, or
   * at once when the listing's window can be selected while it builds (`QueryEngine.ready`).
   */
  prepare(sort: Pick<ListSort, 'key'> & { seed?: number }, window?: WindowAsk): Promise<void> {
    return window ? this.engine.ready(sort, window) : this.engine.prepare(sort);
  }

  list(query: ListingQuery): FoldersResponse {
    const dir = this.catalog.dirOfPath(query.path);
    if (!dir || (dir.count === 0 && dir.id !== 0)) throw new AppError('folder_not_found', `no such folder: ${query.path}`);
    const dirs = this.childDirs(dir);
    if (query.limit === 0) {
      // The tree only needs counts: skip building a sorted order of a possibly huge folder.
      const total = query.recursive ? dir.count : dir.items.length;
      return { path: dir.path, dirs, items: [], total, offset: query.offset, limit: 0 };
    }
    const window = this.engine.list({
      dirId: dir.id,
      recursive: query.recursive,
      filters: [],
      sort: { key: query.sort, order: query.order, seed: query.seed },
      offset: query.offset,
      limit: query.limit,
      around: query.around,
    });
    return { path: dir.path, dirs, ...window };
  }

  /**
   * A listing made while indexing: what the catalog holds so far, plus the subfolders `onDisk`
   * names (count 0 until their images are indexed). A folder only the disk knows yet lists empty;
   * undefined when neither knows it.
   */
  listPartial(query: ListingQuery, onDisk: readonly string[] | undefined): FoldersResponse | undefined {
    const dir = this.catalog.dirOfPath(query.path);
    let response: FoldersResponse;
    if (dir && (dir.count > 0 || dir.id === 0)) response = this.list(query);
    else if (onDisk) response = { path: query.path, dirs: [], items: [], total: 0, offset: query.offset, limit: query.limit };
    else return undefined;
    const listed = new Set(response.dirs.map((d) => d.name));
    const found = (onDisk ?? []).filter((name) => !listed.has(name));
    if (found.length === 0) return response;
    const dirs = [...response.dirs, ...found.map((name) => ({ name, path: joinPath(response.path, name), count: 0 }))];
    const keys = new Map(dirs.map((d) => [d, naturalKey(d.name)]));
    dirs.sort((a, b) => compareNatural(keys.get(a)!, keys.get(b)!, a.path, b.path));
    return { ...response, dirs };
  }

  /** Non-empty child folders in the files' collation (L1). */
  private childDirs(dir: DirNode): DirEntry[] {
    const children: DirNode[] = [];
    for (const childId of dir.children) {
      const child = this.catalog.dirs[childId]!;
      if (child.count > 0) children.push(child);
    }
    const keys = this.dirKeys;
    for (const child of children) keys[child.id] ??= naturalKey(child.name);
    children.sort((a, b) => compareNatural(keys[a.id]!, keys[b.id]!, a.path, b.path));
    return children.map((child) => ({ name: child.name, path: child.path, count: child.count }));
  }

  /**
   * Every indexed item under `path` whose path (name included), tags or notes contain `q`, in
   * name order (L7), as a `text` query with the default sort would list them.
   */
  search(q: string, path: string, limit: number): SearchResponse {
    const dir = this.catalog.dirOfPath(path);
    if (!dir) throw new AppError('folder_not_found', `no such folder: ${path}`);
    const needle = q.trim().toLowerCase();
    if (!needle) return { items: [], total: 0 };
    const c = this.catalog;
    const matches = new Set<number>();
    const lowerPaths = this.lowerPaths;
    c.forEachItem(dir.id, true, (id) => {
      lowerPaths[id] ??= c.paths[id]!.toLowerCase();
      if (lowerPaths[id].includes(needle)) matches.add(id);
    });
    const labels = this.labels;
    labels.forEachLabeled((itemPath, snapshot) => {
      if (!isWithin(itemPath, dir.path)) return;
      const hit = snapshot.notes.toLowerCase().includes(needle) || snapshot.tags.some((tag) => tag.toLowerCase().includes(needle));
      if (!hit) return;
      const id = c.idOf(itemPath);
      if (id !== undefined) matches.add(id);
    });
    const ordered = this.engine.order(Int32Array.from(matches));
    const items = Array.from(ordered.subarray(0, limit), (id) => itemView(c, id, labels.peek(c.paths[id]!)));
    return { items, total: ordered.length };
  }
}
