import { baseName, joinPath, parentPath } from '../../protocol/paths.js';
import { finishHash, HASH_SEED, hashPath, hashRange, PathIndex } from './path-index.js';

/**
 * The in-memory index of a dataset: columnar (typed arrays and string arrays indexed by an
 * integer item id), never one object per row, so 1M rows stay compact. Folder and table
 * sources both fill it; listings, search and queries read it. Item ids are stable for the
 * life of the process; a removed item is tombstoned (`alive[id] = 0`) rather than compacted.
 */
export interface NewEntry {
  path: string; // canonical logical path
  type: string; // MIME type
  w?: number; // 0 or absent: unknown
  h?: number;
  size?: number;
  addedMs?: number; // epoch milliseconds
  source?: string; // where the bytes live (table mode); absent: the path under the root
}

export interface DirNode {
  id: number;
  path: string;
  name: string;
  parent: number; // -1 for the root
  children: number[]; // dir ids
  items: number[]; // direct item ids (alive only)
  count: number; // alive items in the whole subtree
}

const INITIAL_CAPACITY = 1024;

export class Catalog {
  size = 0; // number of ids handed out (alive or not)
  aliveCount = 0;
  /** Bumped on every structural change, so derived caches (sorted orders) know to rebuild. */
  generation = 0;
  /** Bumped whenever a metric value or column changes (metrics do not move `generation`). */
  metricsGeneration = 0;
  /**
   * Bumped when the set of alive paths changes (an item added, removed or revived), not when an
   * item's facts or metrics do: the name and random orders depend on nothing else, so a table's
   * numbers arriving after its paths leave them current (query SPEC OB5).
   */
  pathsGeneration = 0;

  /** By id; may be longer than `size` (slots reserved for a bulk load). */
  readonly paths: string[] = [];
  /**
   * Where an item's bytes live when its path does not say (`setSource`); empty until one does, so
   * a table of local files keeps no array of 8 bytes a row of holes.
   */
  readonly sources: (string | undefined)[] = [];
  typeIds = new Uint8Array(INITIAL_CAPACITY);
  types: string[] = [];
  width: Int32Array = new Int32Array(INITIAL_CAPACITY);
  height: Int32Array = new Int32Array(INITIAL_CAPACITY);
  bytes: Float64Array = new Float64Array(INITIAL_CAPACITY);
  added: Float64Array = new Float64Array(INITIAL_CAPACITY);
  dirOf = new Int32Array(INITIAL_CAPACITY);
  alive = new Uint8Array(INITIAL_CAPACITY);
  /** Numeric metrics by name; NaN means missing. Arrays grow with the catalog. */
  metrics = new Map<string, Float64Array>();

  readonly dirs: DirNode[] = [];
  private readonly byPath = new PathIndex(this.paths);
  /** `dirs[id].path` by id, the keys of `dirByPath`. */
  private readonly dirPaths: string[] = [];
  private readonly dirByPath = new PathIndex(this.dirPaths);
  private readonly typeIndex = new Map<string, number>();
  /** The folder `parentDir` found last (the root to begin with). */
  private lastParent = 0;
  /** The type `typeId` found last: items mostly come many of one type in a row. */
  private lastType = '';
  private lastTypeId = -1;

  constructor() {
    this.dirs.push({ id: 0, path: '/', name: '', parent: -1, children: [], items: [], count: 0 });
    this.dirPaths.push('/');
    this.dirByPath.add(0, hashPath('/'));
  }

  /** Adds an item, or updates its file facts if the path is already known. Returns its id. */
  upsert(entry: NewEntry): number {
    const hash = hashPath(entry.path);
    const existing = this.byPath.find(entry.path, hash);
    if (existing >= 0) {
      this.setFacts(existing, entry);
      if (!this.alive[existing]) this.revive(existing);
      return existing;
    }
    return this.insertFresh(entry, hash);
  }

  private insertFresh(entry: NewEntry, hash: number): number {
    const id = this.size++;
    this.ensureCapacity(this.size);
    this.paths[id] = entry.path;
    if (entry.source !== undefined) this.setSource(id, entry.source);
    // A new id's slots hold 0 (unknown), or what a table loader's worker wrote there (`shareFacts`):
    // only the facts the entry gives are written.
    this.typeIds[id] = this.typeId(entry.type);
    if (entry.w !== undefined) this.width[id] = entry.w;
    if (entry.h !== undefined) this.height[id] = entry.h;
    if (entry.size !== undefined) this.bytes[id] = entry.size;
    if (entry.addedMs !== undefined) this.added[id] = entry.addedMs;
    this.dirOf[id] = this.parentDir(entry.path);
    this.byPath.add(id, hash);
    this.revive(id);
    return id;
  }

  /** Adds an item only if its path is new (bulk loading: one lookup). Returns its id, or -1. */
  insertNew(entry: NewEntry): number {
    const hash = hashPath(entry.path);
    if (this.byPath.find(entry.path, hash) >= 0) return -1;
    return this.insertFresh(entry, hash);
  }

  remove(id: number): void {
    if (!this.alive[id]) return;
    this.alive[id] = 0;
    this.aliveCount--;
    const dir = this.dirs[this.dirOf[id]!]!;
    const at = dir.items.indexOf(id);
    if (at >= 0) dir.items.splice(at, 1);
    this.bumpCounts(dir.id, -1);
    this.generation++;
    this.pathsGeneration++;
  }

  /** Removes many items with one pass per affected folder (remove() is O(folder size) each). */
  removeMany(ids: Iterable<number>): void {
    const touched = new Set<number>();
    for (const id of ids) {
      if (!this.alive[id]) continue;
      this.alive[id] = 0;
      this.aliveCount--;
      const dir = this.dirOf[id]!;
      touched.add(dir);
      this.bumpCounts(dir, -1);
    }
    if (!touched.size) return;
    for (const dirId of touched) {
      const items = this.dirs[dirId]!.items;
      let kept = 0;
      for (const id of items) if (this.alive[id]) items[kept++] = id; // in place: callers may hold the array
      items.length = kept;
    }
    this.generation++;
    this.pathsGeneration++;
  }

  idOf(path: string): number | undefined {
    const id = this.byPath.find(path, hashPath(path));
    return id >= 0 && this.alive[id] ? id : undefined;
  }

  dirOfPath(path: string): DirNode | undefined {
    const id = this.dirByPath.find(path, hashPath(path));
    return id < 0 ? undefined : this.dirs[id];
  }

  nameOf(id: number): string {
    return baseName(this.paths[id]!);
  }

  typeOf(id: number): string {
    return this.types[this.typeIds[id]!]!;
  }

  /** Sets one metric value; creates the column on first use. */
  setMetric(name: string, id: number, value: number): void {
    let column = this.metrics.get(name);
    if (!column) {
      column = new Float64Array(this.width.length).fill(NaN);
      this.metrics.set(name, column);
    }
    column[id] = value;
    this.metricsGeneration++;
  }

  /**
   * Sets a whole metric column at once (bulk loading: one copy instead of a Map lookup per row).
   * `values[id]` is the value of item `id`; NaN = missing.
   */
  setMetricColumn(name: string, values: Float64Array): void {
    this.ensureCapacity(values.length);
    const column = new Float64Array(this.width.length).fill(NaN);
    column.set(values);
    this.metrics.set(name, column);
    this.metricsGeneration++;
  }

  /**
   * Pre-sizes the typed columns and the path index for exactly `count` items, so a bulk load does
   * not regrow them repeatedly, nor pay for up to twice its rows in every column (a 10M table
   * would get 16.7M). Their pages are only touched as items arrive; `reservePaths` is the costly part.
   */
  reserve(count: number): void {
    if (count > this.capacity()) this.resize(count);
    this.byPath.reserve(count);
  }

  /**
   * Sizes `paths` for `count` ids. Setting the length allocates the backing store once: grown one
   * id at a time, the array would be copied ~30 times on the way to 1M, the old copies left to a
   * full GC. It writes a hole into every slot at once (~40 ms at 1M, 0.1–0.4 s at 10M), so a
   * loader does it once its first rows are in, not before the server's first answers.
   */
  reservePaths(count: number): void {
    // Slots past `size` stay holes; nothing reads `paths.length`.
    if (count > this.paths.length) this.paths.length = count;
  }

  /** Sets (or, undefined, clears) where item `id`'s bytes live. */
  setSource(id: number, source: string | undefined): void {
    if (source === undefined) {
      if (id < this.sources.length) this.sources[id] = undefined;
      return;
    }
    // Sized as `paths` at the first source: a far write into a short array would make V8 keep it as a dictionary.
    if (this.sources.length < this.paths.length) this.sources.length = this.paths.length;
    this.sources[id] = source;
  }

  /**
   * Backs `width`, `height`, `bytes` and `added` with shared memory of `count` slots (at least the
   * capacity), so that a table loader's worker thread writes them in place instead of into scratch
   * columns held until the load ends (24 bytes a row: 240 MB at 10M rows). Only for an empty
   * catalog; called before `reserve`, the four columns are allocated once, not twice. The slots
   * stay the loader's until it has filled them (an insert writes only the facts its entry gives).
   * Growing the catalog later makes ordinary arrays again.
   */
  shareFacts(count = this.width.length): void {
    if (this.size > 0) throw new Error('shareFacts: the catalog already holds items');
    const n = Math.max(count, this.width.length);
    this.width = new Int32Array(new SharedArrayBuffer(n * Int32Array.BYTES_PER_ELEMENT));
    this.height = new Int32Array(new SharedArrayBuffer(n * Int32Array.BYTES_PER_ELEMENT));
    this.bytes = new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT));
    this.added = new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT));
  }

  /** Calls `visit` for every alive item id in the subtree of `dirId` (or only its direct items). */
  forEachItem(dirId: number, recursive: boolean, visit: (id: number) => void): void {
    const dir = this.dirs[dirId]!;
    for (const id of dir.items) visit(id);
    if (!recursive) return;
    for (const child of dir.children) this.forEachItem(child, true, visit);
  }

  /** Ids of alive items under a dir, in insertion order. */
  itemIds(dirId: number, recursive: boolean): number[] {
    if (dirId === 0 && recursive) {
      const out: number[] = [];
      for (let id = 0; id < this.size; id++) if (this.alive[id]) out.push(id);
      return out;
    }
    const out: number[] = [];
    this.forEachItem(dirId, recursive, (id) => out.push(id));
    return out;
  }

  ensureDir(path: string): number {
    const hash = hashPath(path);
    const known = this.dirByPath.find(path, hash);
    if (known >= 0) return known;
    const parent = this.ensureDir(parentPath(path));
    const id = this.dirs.length;
    this.dirs.push({ id, path, name: baseName(path), parent, children: [], items: [], count: 0 });
    this.dirs[parent]!.children.push(id);
    this.dirPaths.push(path);
    this.dirByPath.add(id, hash);
    this.generation++;
    return id;
  }

  /**
   * The folder of an item path, made if new; found by its prefix without slicing it out. The
   * folder of the last path asked is checked first: rows of a table, files of a scan come
   * folder by folder, and comparing the prefix costs less than hashing it and probing.
   */
  private parentDir(path: string): number {
    const cut = path.lastIndexOf('/');
    if (cut <= 0) return 0;
    const last = this.dirs[this.lastParent]!.path;
    if (last.length === cut && path.startsWith(last)) return this.lastParent;
    const known = this.dirByPath.findPrefix(path, cut, finishHash(hashRange(HASH_SEED, path, 0, cut)));
    this.lastParent = known >= 0 ? known : this.ensureDir(path.slice(0, cut));
    return this.lastParent;
  }

  childPath(dirId: number, name: string): string {
    return joinPath(this.dirs[dirId]!.path, name);
  }

  private setFacts(id: number, entry: NewEntry): void {
    this.typeIds[id] = this.typeId(entry.type);
    this.width[id] = entry.w ?? 0;
    this.height[id] = entry.h ?? 0;
    this.bytes[id] = entry.size ?? 0;
    this.added[id] = entry.addedMs ?? 0;
    if (entry.source !== undefined) this.setSource(id, entry.source);
  }

  private revive(id: number): void {
    this.alive[id] = 1;
    this.aliveCount++;
    const dir = this.dirOf[id]!;
    this.dirs[dir]!.items.push(id);
    this.bumpCounts(dir, 1);
    this.generation++;
    this.pathsGeneration++;
  }

  private bumpCounts(dirId: number, delta: number): void {
    for (let d = dirId; d >= 0; d = this.dirs[d]!.parent) this.dirs[d]!.count += delta;
  }

  private typeId(type: string): number {
    if (type === this.lastType) return this.lastTypeId;
    let id = this.typeIndex.get(type);
    if (id === undefined) {
      id = this.types.length;
      this.types.push(type);
      this.typeIndex.set(type, id);
    }
    this.lastType = type;
    this.lastTypeId = id;
    return id;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity()) return;
    let capacity = this.capacity();
    while (capacity < needed) capacity *= 2;
    this.resize(capacity);
  }

  /** Slots every column has (`shareFacts` may have made the fact columns longer than the others). */
  private capacity(): number {
    return Math.min(this.width.length, this.alive.length);
  }

  private resize(capacity: number): void {
    this.typeIds = grow(this.typeIds, capacity);
    this.width = grow(this.width, capacity);
    this.height = grow(this.height, capacity);
    this.bytes = grow(this.bytes, capacity);
    this.added = grow(this.added, capacity);
    this.dirOf = grow(this.dirOf, capacity);
    this.alive = grow(this.alive, capacity);
    for (const [name, column] of this.metrics) {
      if (column.length >= capacity) continue;
      const next = new Float64Array(capacity).fill(NaN);
      next.set(column);
      this.metrics.set(name, next);
    }
  }

  /**
   * Takes `values` as the metric column `name` itself, not a copy (a table loader's column, which
   * a worker thread may still be filling through shared memory); it must span the capacity.
   */
  adoptMetricColumn(name: string, values: Float64Array): void {
    if (values.length !== this.width.length) throw new Error(`metric column ${name} has ${values.length} slots for a capacity of ${this.width.length}`);
    this.metrics.set(name, values);
    this.metricsGeneration++;
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(array: T, capacity: number): T {
  if (array.length >= capacity) return array;
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}
