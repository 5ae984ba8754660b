import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { EmbeddingInfo, PutEmbeddingsBody, SimilarBody } from '../../protocol/embeddings.js';
import type { Item } from '../../protocol/items.js';
import { canonicalPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { Catalog } from '../catalog/catalog.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { itemView } from '../query/item-view.js';
import type { IdList } from '../query/filters.js';
import type { QueryEngine } from '../query/query-engine.js';
import { AnnIndex, type BuildHandle, buildIndexFile } from './ann-index.js';
import { EmbeddingSet, writeNormalised } from './embedding-set.js';
import type { EmbeddingStore, StoredVector } from './embedding-store.js';
import { addLink, type CosineLinks, cosineComponents, newLinks } from './cosine-groups.js';
import { dotAt, exactSearch, exactSearchAmong, type Scored, TopK } from './exact-search.js';
import { ScopeCopies, scanScope } from './scope-scan.js';

export interface EmbeddingServiceOptions {
  catalog: Catalog;
  source: DatasetSource;
  query: QueryEngine;
  labels: LabelLookup;
  store: EmbeddingStore;
  /** Where built indexes are kept (`<workspace>/embeddings/`). */
  indexDir: string;
  /**
   * Threads an index build adds vectors on (default: every core for a large set, `buildThreadsFor`).
   * The build runs once per set of vectors and its result is kept, while the server's own work is
   * bursts of requests.
   */
  buildThreads?: number;
  /**
   * Scopes of at most this many items are searched exactly (default `EXACT_SCOPE`); tests lower it
   * to reach the index with a small catalog.
   */
  exactScope?: number;
  /**
   * Scopes of at least this many items searched exactly are scanned natively on int8 copies and
   * re-ranked (default `SCAN_SCOPE`, EM3); tests lower it to check the scan on a small set.
   */
  scanScope?: number;
  /** How long after the last `PUT /embeddings` an index rebuild starts (default 2 s). */
  rebuildDelayMs?: number;
  log?: (line: string) => void;
}

interface Entry {
  set: EmbeddingSet;
  origin: 'table' | 'put';
  /** PUT sets: the path of each slot, resolved to catalog ids again when the catalog changes. */
  paths?: string[];
  /** PUT sets: the slot of each path (a path the catalog does not hold yet has no id to find it by). */
  slots?: Map<string, number>;
  resolvedAt?: number;
  /** The index of the set's current version; undefined while it builds. */
  index?: AnnIndex;
  progress: { done: number; total: number };
  build?: BuildHandle;
  again: boolean;
  timer?: NodeJS.Timeout;
  /** False while a table's vectors are still being read. */
  loaded: boolean;
  /** Each slot's nearest slots in `index` (GROUP_K + 1 per slot), found as groupings asked for them. */
  neighbours?: { index: AnnIndex; slots: Int32Array; found: Uint8Array };
}

/** Candidates the index is asked for at most before a selective filter falls back to exact search (EM3). */
const MAX_FETCH = 4096;
/**
 * Candidates the index is asked for at least, re-ranked by their exact scores: at 1M × 512
 * (clustered, docs/PERFORMANCE.md) the top 10 of 200 candidates held 90.5% of the exact top 10,
 * of 1,000 candidates 95.5%; a larger `expansion_search` alone did not help.
 */
const MIN_FETCH = 1000;
/**
 * After a search whose candidates hold fewer than k in scope: when even this multiple of
 * MAX_FETCH candidates would not hold k at the share that passed, the scope is searched exactly
 * at once instead of asking the index again.
 */
const FETCH_HOPE = 2;
/** A scope this small is searched exactly: faster than the index plus its over-fetch. */
const EXACT_SCOPE = 20_000;
/**
 * A scope searched exactly with at least this many items is scanned natively on an int8 copy
 * (EM3, scope-scan.ts): docs/PERFORMANCE.md has the crossover.
 */
const SCAN_SCOPE = 20_000;
/** Threads the native scan runs on: the addon's brute force splits the rows between them. */
/**
 * Up to this many items, a scope whose int8 copy is kept is scanned, not searched through the index:
 * 200k items scan in ~11 ms of CPU at 512-d (docs/PERFORMANCE.md), under the index's worst case.
 */
const SCAN_FIRST = 250_000;
const SCAN_THREADS = Math.min(2, availableParallelism());
/** Neighbours each item is linked to at most when grouping by cosine (duplicates DU9). */
const GROUP_K = 16;
/**
 * Items with vectors a grouping compares pairwise, exactly; past it the index finds the
 * neighbours. Every pair of 2,000 × 512 floats was ~4.8 s of CPU on the bench machine, the index
 * path 6.8 s for 20,000 (docs/PERFORMANCE.md): pairs grow with the square.
 */
const EXACT_GROUP = 1000;
/** Index queries per call into the addon, between which other requests get in. */
const GROUP_BATCH = 256;
/** How often a server looks for vectors other servers wrote, besides being told (EM8). */
const CATCH_UP_POLL_MS = 5000;

/**
 * Embeddings and "Find similar" (issue 13, SPEC.md EM1…): the vector sets (table columns and
 * worker-attached ones), their approximate indexes, built in the background, and `similar`,
 * which ranks a scoped, filtered list by cosine similarity.
 */
export class EmbeddingService {
  private readonly entries = new Map<string, Entry>();
  private readonly catalog: Catalog;
  private closed = false;
  /** Past the last change of the store applied here (EM8). */
  private cursor = 0;
  private catching: Promise<void> | undefined;
  private catchAgain = false;
  private unwatch: (() => Promise<void>) | undefined;
  private poll: NodeJS.Timeout | undefined;
  /** The scope `masked` as one byte per catalog id (`maskOf`); zero elsewhere. */
  private mask = new Uint8Array(0);
  private masked: Readonly<IdList> | undefined;
  /** Int8 copies of the last large scopes searched exactly (EM3). */
  private readonly copies = new ScopeCopies(2);

  constructor(private readonly options: EmbeddingServiceOptions) {
    this.catalog = options.catalog;
  }

  /**
   * Loads the attached vectors (bound to items once the catalog holds them, `resolved`: it may
   * still be loading), then follows what other servers write (EM8): the cursor is read first, so
   * a write made while loading is caught up on (applying it twice changes nothing).
   */
  async load(): Promise<void> {
    const { store } = this.options;
    this.cursor = await store.cursor();
    for (const { name, dim } of await store.embeddings()) {
      const entry = this.putEntry(name, dim);
      for await (const stored of store.vectors(name)) {
        entry.slots!.set(stored.path, entry.set.append(stored.vector));
        entry.paths!.push(stored.path);
      }
      entry.progress = { done: 0, total: entry.set.count };
      this.scheduleBuild(entry, 0);
    }
    this.unwatch = await store.watch(() => this.catchUp());
    // A missed notification (a dropped connection) costs at most one poll period.
    this.poll = setInterval(() => this.catchUp(), CATCH_UP_POLL_MS);
    this.poll.unref();
  }

  /** Starts reading the table's embedding columns once the table is loaded (EM6). */
  start(): void {
    const { source } = this.options;
    if (!source.embeddingColumns || !source.readEmbedding) return;
    void source.whenIdle().then(async () => {
      // Asked once loaded: a table opened after the server listens knows its columns only then.
      const columns = source.embeddingColumns?.() ?? [];
      // One column at a time: each is a worker holding its column chunks, and the core is shared.
      for (const column of columns) {
        if (this.closed) return;
        if (this.entries.has(column.name)) {
          this.log(`embedding column ${column.name} is also an embedding attached with PUT /embeddings: the column is not served`);
          continue;
        }
        let entry: Entry | undefined;
        try {
          const read = await source.readEmbedding!(column.name, (rowEnd) => {
            if (!entry) return;
            const { set } = entry;
            for (let row = set.count; row < rowEnd; row++) set.ids[row] = read!.valid[row] ? read!.rowIds[row]! : -1;
            set.reveal(rowEnd);
          });
          if (!read) {
            this.log(`column ${column.name} holds lists of floats of different lengths: not served as an embedding`);
            continue;
          }
          const set = EmbeddingSet.over(column.name, read.dim, read.vectors, new Int32Array(read.rows).fill(-1));
          entry = { set, origin: 'table', progress: { done: 0, total: read.rows }, again: false, loaded: false };
          this.entries.set(column.name, entry);
          await read.done;
          entry.loaded = true;
          this.scheduleBuild(entry, 0);
        } catch (error) {
          this.entries.delete(column.name);
          this.log(`reading embedding column ${column.name} failed: ${(error as Error).message}`);
        }
      }
    });
  }

  list(): EmbeddingInfo[] {
    return [...this.entries.values()].map((e) => ({
      name: e.set.name,
      dim: e.set.dim,
      count: this.resolved(e).set.filled,
      index: { state: e.index ? 'ready' : 'building', done: e.index ? e.index.size : e.progress.done, total: e.index ? e.index.size : e.progress.total },
    }));
  }

  /**
   * `PUT /embeddings` (EM5): every path must be an item, every vector the embedding's length (a
   * new embedding takes the first vector's). Stored, then live for `similar` at once (exact search
   * until the index is rebuilt).
   */
  async put(body: PutEmbeddingsBody): Promise<{ embedding: string; dim: number; count: number; written: number }> {
    const known = this.entries.get(body.embedding);
    if (known?.origin === 'table') throw new AppError('invalid_body', `embedding ${body.embedding} is a column of the table: it cannot be written`);
    const dim = known?.set.dim ?? body.items[0]!.vector.length;
    const stored: StoredVector[] = [];
    for (const [i, item] of body.items.entries()) {
      if (item.vector.length !== dim) throw new AppError('invalid_body', `items[${i}]: embedding ${body.embedding} has ${dim} dimensions, the vector has ${item.vector.length}`);
      const id = this.itemId(item.path, `items[${i}].path`);
      const unit = new Float32Array(dim);
      writeNormalised(item.vector, unit, 0, dim);
      stored.push({ path: this.catalog.paths[id]!, vector: unit });
    }
    await this.options.store.put(body.embedding, dim, stored);
    // Another server's write under this name may have come in meanwhile: it was refused if its
    // length differs, so an entry found now has this one.
    const entry = this.applyStored(body.embedding, dim, stored);
    if (!entry) throw new AppError('invalid_body', `embedding ${body.embedding} is a column of the table: it cannot be written`);
    return { embedding: body.embedding, dim, count: entry.set.filled, written: stored.length };
  }

  /** Whether `name` is an embedding (the duplicates grouper's check). */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Changes whenever a grouping over `name` could: its vectors, or the catalog they are bound to. */
  stamp(name: string): string {
    const entry = this.entries.get(name);
    return entry ? `${entry.set.version}:${entry.index ? 'i' : 'x'}:${this.catalog.generation}` : '';
  }

  /**
   * Near-duplicate groups by cosine (duplicates DU9): `ids` is the scope, best first; each item
   * with a vector is linked to its `GROUP_K` nearest in the scope scoring at least `minScore`
   * (exact among at most `EXACT_GROUP` items, else from the index, whose candidates are scored
   * exactly), and the groups are the connected parts. `members` are positions in `ids`.
   * `pending`: items in scope still without a vector while a table's vectors are being read.
   */
  async group(name: string, ids: Int32Array, minScore: number): Promise<{ groups: { members: number[]; score: number }[]; pending: number }> {
    const entry = this.entries.get(name);
    if (!entry) throw new AppError('embedding_unknown', `no embedding named ${JSON.stringify(name)}`);
    const { set } = this.resolved(entry);
    const positions: number[] = [];
    const slots: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const slot = set.slotOf(ids[i]!);
      if (slot === undefined) continue;
      positions.push(i);
      slots.push(slot);
    }
    const links = newLinks(slots.length, slots.length * 2);
    if (slots.length <= EXACT_GROUP) await exactLinks(set, slots, minScore, links);
    else if (entry.index) await this.indexLinks(entry, entry.index, slots, minScore, links);
    else throw new AppError('indexing', `the index of embedding ${name} is being built; a scope of ${slots.length} vectors is grouped through it (GET /embeddings tells when it is ready)`);
    const groups = cosineComponents(links).map((g) => ({ members: g.members.map((p) => positions[p]!), score: g.score }));
    return { groups, pending: entry.loaded ? 0 : ids.length - slots.length };
  }

  /** Links each slot to its nearest in `index` that are in the scope, scored exactly; neighbours found once per index. */
  private async indexLinks(entry: Entry, index: AnnIndex, slots: number[], minScore: number, links: CosineLinks): Promise<void> {
    const { set } = entry;
    const k = GROUP_K + 1; // the item itself comes back too
    if (entry.neighbours?.index !== index) entry.neighbours = { index, slots: new Int32Array(index.size * k).fill(-1), found: new Uint8Array(index.size) };
    const cache = entry.neighbours;
    const missing = slots.filter((s) => s < index.size && cache.found[s] === 0);
    for (let at = 0; at < missing.length; at += GROUP_BATCH) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.closed) return;
      const chunk = missing.slice(at, at + GROUP_BATCH);
      const queries = new Float32Array(chunk.length * set.dim);
      for (const [q, slot] of chunk.entries()) set.decodeInto(slot, queries, q * set.dim);
      const found = index.searchMany(queries, chunk.length, k);
      for (const [q, slot] of chunk.entries()) {
        cache.slots.set(found.subarray(q * k, (q + 1) * k), slot * k);
        cache.found[slot] = 1;
      }
    }
    const position = new Int32Array(set.count).fill(-1);
    for (const [p, slot] of slots.entries()) position[slot] = p;
    const row = new Float32Array(set.dim);
    for (const [p, slot] of slots.entries()) {
      if (slot >= index.size) continue;
      set.decodeInto(slot, row, 0);
      for (let j = 0; j < k; j++) {
        const other = cache.slots[slot * k + j]!;
        const q = other >= 0 ? position[other]! : -1;
        if (q < 0 || q === p) continue;
        const score = dotAt(set.vectors, other * set.dim, row, 0, set.dim);
        if (score >= minScore) addLink(links, p, q, score);
      }
    }
  }

  /** `POST /similar` (EM2, EM3): the `k` items of the scope most similar to the query, best first. */
  similar(body: SimilarBody): { items: (Item & { score: number })[] } {
    const entry = this.entries.get(body.embedding);
    if (!entry) throw new AppError('not_found', `no embedding named ${body.embedding} (GET /embeddings lists them)`);
    const { set } = this.resolved(entry);
    const query = new Float32Array(set.dim);
    if (body.vector) {
      if (body.vector.length !== set.dim) throw new AppError('invalid_body', `embedding ${set.name} has ${set.dim} dimensions, the vector has ${body.vector.length}`);
      writeNormalised(body.vector, query, 0, set.dim);
    } else {
      const id = this.itemId(body.path!, 'path');
      const own = set.vectorOf(id);
      if (!own) {
        if (!entry.loaded) throw new AppError('indexing', `the vectors of ${set.name} are still being read`);
        throw new AppError('not_found', `${this.catalog.paths[id]} has no vector in embedding ${set.name}`);
      }
      query.set(own);
    }
    // The whole catalog unfiltered needs no list of ids: every alive item is in scope.
    const scopePath = canonicalPath(body.path_scope);
    const everything = body.recursive && body.filters.length === 0 && scopePath.ok && scopePath.path === '/';
    const scope = everything ? undefined : this.options.query.keptScopeIds(body.path_scope, body.recursive, body.filters);
    const found = this.search(entry, query, body.k, scope);
    // Rounding can put a unit vector's score against itself a hair above 1.
    const items = found.map(({ id, score }) =>
      Object.assign(itemView(this.catalog, id, this.options.labels.peek(this.catalog.paths[id]!)), { score: Math.max(-1, Math.min(1, score)) }),
    );
    return { items };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await this.unwatch?.().catch(() => undefined);
    await this.catching;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      await entry.build?.stop().catch(() => undefined);
    }
    this.options.store.close();
  }

  /** Applies what other servers wrote since the cursor; one catch-up at a time, again if asked meanwhile. */
  private catchUp(): void {
    if (this.closed) return;
    if (this.catching) {
      this.catchAgain = true;
      return;
    }
    this.catching = (async () => {
      try {
        const changes = await this.options.store.changesSince(this.cursor);
        if (this.closed) return;
        for (const { name, dim, vectors } of changes.embeddings) this.applyStored(name, dim, vectors);
        this.cursor = changes.cursor;
      } catch (error) {
        // The database is away: the next notification, reconnect or poll tries again.
        this.log(`reading vectors written by other servers failed: ${(error as Error).message}`);
      } finally {
        this.catching = undefined;
        if (this.catchAgain) {
          this.catchAgain = false;
          this.catchUp();
        }
      }
    })();
  }

  /**
   * Writes stored vectors into the embedding's set (made if new): a path's slot is overwritten, a
   * new path takes the next slot. A vector already there as it is (this server's own write heard
   * back) changes nothing, so it neither drops the index nor starts a rebuild.
   */
  private applyStored(name: string, dim: number, vectors: readonly StoredVector[]): Entry | undefined {
    const entry = this.entries.get(name) ?? this.putEntry(name, dim);
    if (entry.origin === 'table' || entry.set.dim !== dim) {
      this.log(`vectors of embedding ${name} written by another server are not served here: here ${name} is a table column or has another length`);
      return undefined;
    }
    this.resolved(entry);
    let changed = false;
    for (const { path: itemPath, vector } of vectors) {
      const slot = entry.slots!.get(itemPath);
      if (slot === undefined) {
        const added = entry.set.append(vector);
        entry.slots!.set(itemPath, added);
        entry.paths!.push(itemPath);
        entry.set.rebind(added, this.catalog.idOf(itemPath) ?? -1);
        changed = true;
      } else if (entry.set.overwrite(slot, vector)) changed = true;
    }
    if (changed) {
      entry.index = undefined;
      entry.progress = { done: 0, total: entry.set.count };
      this.scheduleBuild(entry, this.options.rebuildDelayMs ?? 2000);
    }
    return entry;
  }

  private putEntry(name: string, dim: number): Entry {
    const entry: Entry = {
      set: new EmbeddingSet(name, dim, 0),
      origin: 'put',
      paths: [],
      slots: new Map(),
      resolvedAt: -1,
      progress: { done: 0, total: 0 },
      again: false,
      loaded: true,
    };
    this.entries.set(name, entry);
    return entry;
  }

  private search(entry: Entry, query: Float32Array, k: number, scope: Readonly<IdList> | undefined): Scored[] {
    const { set, index } = entry;
    const alive = this.catalog.alive;
    const size = scope ? scope.count : this.catalog.aliveCount;
    if (scope && (size <= (this.options.exactScope ?? EXACT_SCOPE) || !index)) return this.exactScope(set, query, k, scope);
    if (!index) return exactSearch(set, query, k, (id) => alive[id] === 1);
    // A scope already scanned once has its copy: scanning it again (~6 ms at 100k) beats the
    // index's over-fetch for it (up to 4,096 candidates, ~19 ms) and its fallback (EM3).
    if (scope && size <= SCAN_FIRST && this.copies.has(set, scope, this.catalog.generation)) return this.exactScope(set, query, k, scope);
    const inScope = scope ? this.maskOf(scope) : alive;
    // Over-fetch by how much of the catalog the scope leaves (EM3).
    let fetch = Math.min(MAX_FETCH, Math.max(MIN_FETCH, 2 * k, Math.ceil((2 * k * this.catalog.aliveCount) / Math.max(size, 1))));
    for (;;) {
      const top = new TopK(k);
      let passed = 0;
      for (const slot of index.search(query, fetch)) {
        const id = set.ids[slot]!;
        if (id < 0 || inScope[id] !== 1 || alive[id] !== 1) continue;
        passed++;
        top.offer(id, dot(set, slot, query));
      }
      if (passed >= k || fetch >= index.size) return top.sorted();
      if (fetch >= MAX_FETCH) break;
      // The share of these candidates in scope predicts how many hold k: when even MAX_FETCH would
      // not, a search for more only adds its cost to the exact one (the query's neighbourhood lies
      // outside the scope, EM3).
      const needed = Math.ceil((fetch * k) / Math.max(passed, 1));
      if (needed > MAX_FETCH * FETCH_HOPE) break;
      fetch = Math.min(MAX_FETCH, Math.max(needed * 2, fetch * 2));
    }
    return scope ? this.exactScope(set, query, k, scope) : exactSearch(set, query, k, (id) => alive[id] === 1);
  }

  /**
   * The scope searched exactly (EM3): a large one by the native scan of its int8 copy, re-ranked by
   * exact scores (~10× less CPU than the JS loop over halves), kept while the scope and vectors are.
   */
  private exactScope(set: EmbeddingSet, query: Float32Array, k: number, scope: Readonly<IdList>): Scored[] {
    if (scope.count < (this.options.scanScope ?? SCAN_SCOPE)) return exactSearchAmong(set, query, k, scope.ids, scope.count);
    return scanScope(this.copies.get(set, scope, this.catalog.generation), query, k, SCAN_THREADS);
  }

  /**
   * The scope as one byte per catalog id. One buffer, marked for the last scope asked about: a
   * kept scope (`keptScopeIds`) comes back as the same list while a user pages through a filtered
   * view, and its marks are then already there.
   */
  private maskOf(scope: Readonly<IdList>): Uint8Array {
    if (this.mask.length < this.catalog.alive.length) {
      this.mask = new Uint8Array(this.catalog.alive.length);
      this.masked = undefined;
    }
    if (this.masked === scope) return this.mask;
    if (this.masked) for (let i = 0; i < this.masked.count; i++) this.mask[this.masked.ids[i]!] = 0;
    this.masked = undefined;
    for (let i = 0; i < scope.count; i++) this.mask[scope.ids[i]!] = 1;
    this.masked = scope;
    return this.mask;
  }

  /** A PUT set's slots bound to the catalog as it is now (items appear, move, go). */
  private resolved(entry: Entry): Entry {
    if (!entry.paths || entry.resolvedAt === this.catalog.generation) return entry;
    for (let slot = 0; slot < entry.paths.length; slot++) entry.set.rebind(slot, this.catalog.idOf(entry.paths[slot]!) ?? -1);
    entry.resolvedAt = this.catalog.generation;
    return entry;
  }

  private itemId(raw: string, where: string): number {
    const canonical = canonicalPath(raw);
    if (!canonical.ok) throw new AppError('invalid_path', `${where}: ${canonical.reason}`);
    const id = this.catalog.idOf(canonical.path);
    if (id !== undefined && this.catalog.alive[id]) return id;
    if (this.options.source.progress().state === 'running') throw new AppError('indexing', `${canonical.path} is not indexed yet`);
    throw new AppError('not_found', `${where}: no item ${canonical.path}`);
  }

  /** Builds the entry's index after `delayMs` (again, when asked while one is building). */
  private scheduleBuild(entry: Entry, delayMs: number): void {
    if (this.closed || entry.set.count === 0) return;
    if (entry.build) {
      entry.again = true;
      return;
    }
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.build(entry), delayMs);
    entry.timer.unref();
  }

  private build(entry: Entry): void {
    const { set } = entry;
    const version = set.version;
    const count = set.count;
    // A table's vectors are final and already shared; a PUT set's are copied, as PUTs go on writing.
    let vectors = set.vectors.buffer as SharedArrayBuffer | ArrayBuffer;
    if (!(vectors instanceof SharedArrayBuffer) || entry.origin === 'put') {
      const copy = new SharedArrayBuffer(count * set.dim * Uint16Array.BYTES_PER_ELEMENT);
      new Uint16Array(copy).set(set.vectors.subarray(0, count * set.dim));
      vectors = copy;
    }
    const file = this.indexFile(entry);
    entry.progress = { done: 0, total: count };
    entry.build = buildIndexFile({ vectors: vectors as SharedArrayBuffer, count, dim: set.dim, file, threads: this.options.buildThreads ?? buildThreadsFor(count) }, (done, total) => {
      entry.progress = { done, total };
    });
    entry.build.done.then(
      () => {
        entry.build = undefined;
        if (this.closed) return;
        if (set.version === version) entry.index = AnnIndex.view(file, set.dim, version);
        if (entry.again || set.version !== version) {
          entry.again = false;
          this.scheduleBuild(entry, 0);
        }
      },
      (error: unknown) => {
        entry.build = undefined;
        if (!this.closed) this.log(`building the index of embedding ${set.name} failed: ${(error as Error).message}; exact search answers`);
      },
    );
  }

  private indexFile(entry: Entry): string {
    return path.join(this.options.indexDir, `${entry.origin}-${encodeURIComponent(entry.set.name)}.usearch`);
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.emitWarning(l)))(line);
  }
}

/** Every pair of the scope's slots scored, in steps of rows that let other requests in; each slot keeps its `GROUP_K` best at or above `minScore`. */
async function exactLinks(set: EmbeddingSet, slots: number[], minScore: number, links: CosineLinks): Promise<void> {
  const best = slots.map(() => new TopK(GROUP_K));
  const row = new Float32Array(set.dim);
  let work = 0;
  for (let p = 0; p < slots.length; p++) {
    set.decodeInto(slots[p]!, row, 0);
    for (let q = p + 1; q < slots.length; q++) {
      const score = dotAt(set.vectors, slots[q]! * set.dim, row, 0, set.dim);
      if (score < minScore) continue;
      best[p]!.offer(q, score);
      best[q]!.offer(p, score);
    }
    work += (slots.length - p) * set.dim;
    if (work > 20_000_000) {
      work = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  for (const [p, top] of best.entries()) for (const { id: q, score } of top.sorted()) addLink(links, p, q, score);
}

/**
 * Every core for a large build (1M × 512 is many minutes of a core); one below 65,536 vectors,
 * seconds of work, where each batch would otherwise wait for the slower of two threads to be
 * scheduled on a busy machine.
 */
function buildThreadsFor(count: number): number {
  return count >= 65_536 ? availableParallelism() : 1;
}

function dot(set: EmbeddingSet, slot: number, query: Float32Array): number {
  return dotAt(set.vectors, slot * set.dim, query, 0, set.dim);
}
