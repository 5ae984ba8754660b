import path from 'node:path';
import type { EmbeddingInfo, PutEmbeddingsBody, SimilarBody } from '../../protocol/embeddings.js';
import type { Item } from '../../protocol/items.js';
import { canonicalPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { Catalog } from '../catalog/catalog.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { itemView } from '../query/item-view.js';
import type { QueryEngine } from '../query/query-engine.js';
import { AnnIndex, type BuildHandle, buildIndexFile } from './ann-index.js';
import { EmbeddingSet, writeNormalised } from './embedding-set.js';
import type { EmbeddingStore } from './embedding-store.js';
import { exactSearch, exactSearchAmong, type Scored } from './exact-search.js';

export interface EmbeddingServiceOptions {
  catalog: Catalog;
  source: DatasetSource;
  query: QueryEngine;
  labels: LabelLookup;
  store: EmbeddingStore;
  /** Where built indexes are kept (`<workspace>/embeddings/`). */
  indexDir: string;
  /** Threads an index build may use (default 1: the machine is shared with the server's own work). */
  buildThreads?: number;
  /** How long after the last `PUT /embeddings` an index rebuild starts (default 2 s). */
  rebuildDelayMs?: number;
  log?: (line: string) => void;
}

interface Entry {
  set: EmbeddingSet;
  origin: 'table' | 'put';
  /** PUT sets: the path of each slot, resolved to catalog ids again when the catalog changes. */
  paths?: string[];
  resolvedAt?: number;
  /** The index of the set's current version; undefined while it builds. */
  index?: AnnIndex;
  progress: { done: number; total: number };
  build?: BuildHandle;
  again: boolean;
  timer?: NodeJS.Timeout;
  /** False while a table's vectors are still being read. */
  loaded: boolean;
}

/** Candidates the index is asked for at most before a selective filter falls back to exact search (EM3). */
const MAX_FETCH = 4096;
/** A scope this small is searched exactly: faster than the index plus its over-fetch. */
const EXACT_SCOPE = 20_000;

/**
 * Embeddings and "Find similar" (issue 13, SPEC.md EM1…): the vector sets (table columns and
 * worker-attached ones), their approximate indexes, built in the background, and `similar`,
 * which ranks a scoped, filtered list by cosine similarity.
 */
export class EmbeddingService {
  private readonly entries = new Map<string, Entry>();
  private readonly catalog: Catalog;
  private closed = false;
  /** Cleared ids of the last scope (a reused membership mask, one byte per catalog id). */
  private mask = new Uint8Array(0);

  constructor(private readonly options: EmbeddingServiceOptions) {
    this.catalog = options.catalog;
    for (const { name, dim } of options.store.embeddings()) {
      const set = new EmbeddingSet(name, dim, 0);
      const paths: string[] = [];
      for (const stored of options.store.vectors(name)) {
        // Bound to items once the catalog holds them (`resolved`): it may still be loading.
        set.append(stored.vector);
        paths.push(stored.path);
      }
      const entry: Entry = { set, origin: 'put', paths, resolvedAt: -1, progress: { done: 0, total: set.count }, again: false, loaded: true };
      this.entries.set(name, entry);
      this.scheduleBuild(entry, 0);
    }
  }

  /** Starts reading the table's embedding columns once the table is loaded (EM6). */
  start(): void {
    const { source } = this.options;
    const columns = source.embeddingColumns?.() ?? [];
    if (columns.length === 0 || !source.readEmbedding) return;
    void source.whenIdle().then(async () => {
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
  put(body: PutEmbeddingsBody): { embedding: string; dim: number; count: number; written: number } {
    let entry = this.entries.get(body.embedding);
    if (entry?.origin === 'table') throw new AppError('invalid_body', `embedding ${body.embedding} is a column of the table: it cannot be written`);
    const dim = entry?.set.dim ?? body.items[0]!.vector.length;
    const ids: number[] = [];
    const vectors: Float32Array[] = [];
    for (const [i, item] of body.items.entries()) {
      if (item.vector.length !== dim) throw new AppError('invalid_body', `items[${i}]: embedding ${body.embedding} has ${dim} dimensions, the vector has ${item.vector.length}`);
      ids.push(this.itemId(item.path, `items[${i}].path`));
      const unit = new Float32Array(dim);
      writeNormalised(item.vector, unit, 0, dim);
      vectors.push(unit);
    }
    const paths = ids.map((id) => this.catalog.paths[id]!);
    this.options.store.put(body.embedding, dim, paths.map((p, i) => ({ path: p, vector: vectors[i]! })));
    if (!entry) {
      entry = { set: new EmbeddingSet(body.embedding, dim, 0), origin: 'put', paths: [], resolvedAt: -1, progress: { done: 0, total: 0 }, again: false, loaded: true };
      this.entries.set(body.embedding, entry);
    }
    this.resolved(entry);
    for (const [i, id] of ids.entries()) {
      const before = entry.set.count;
      entry.set.put(id, vectors[i]!);
      if (entry.set.count > before) entry.paths!.push(paths[i]!);
    }
    entry.index = undefined;
    entry.progress = { done: 0, total: entry.set.count };
    this.scheduleBuild(entry, this.options.rebuildDelayMs ?? 2000);
    return { embedding: body.embedding, dim, count: entry.set.filled, written: ids.length };
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
    const scope = everything ? undefined : this.options.query.scopeIds(body.path_scope, body.recursive, body.filters);
    const found = this.search(entry, query, body.k, scope);
    // Rounding can put a unit vector's score against itself a hair above 1.
    const items = found.map(({ id, score }) =>
      Object.assign(itemView(this.catalog, id, this.options.labels.peek(this.catalog.paths[id]!)), { score: Math.max(-1, Math.min(1, score)) }),
    );
    return { items };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      await entry.build?.stop().catch(() => undefined);
    }
    this.options.store.close();
  }

  private search(entry: Entry, query: Float32Array, k: number, scope: { ids: Int32Array; count: number } | undefined): Scored[] {
    const { set, index } = entry;
    const alive = this.catalog.alive;
    const size = scope ? scope.count : this.catalog.aliveCount;
    if (scope && (size <= EXACT_SCOPE || !index)) return exactSearchAmong(set, query, k, scope.ids, scope.count);
    if (!index) return exactSearch(set, query, k, (id) => alive[id] === 1);
    const inScope = scope ? this.maskOf(scope) : alive;
    try {
      // Over-fetch by how much of the catalog the scope leaves (EM3), doubling while too few pass.
      let fetch = Math.min(MAX_FETCH, Math.max(2 * k, Math.ceil((2 * k * this.catalog.aliveCount) / Math.max(size, 1))));
      for (;;) {
        const top: Scored[] = [];
        for (const slot of index.search(query, fetch)) {
          const id = set.ids[slot]!;
          if (id >= 0 && inScope[id] === 1 && alive[id] === 1) top.push({ id, score: dot(set, slot, query) });
        }
        if (top.length >= k || fetch >= index.size) return top.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
        if (fetch >= MAX_FETCH) break;
        fetch = Math.min(MAX_FETCH, fetch * 4);
      }
      return scope ? exactSearchAmong(set, query, k, scope.ids, scope.count) : exactSearch(set, query, k, (id) => alive[id] === 1);
    } finally {
      if (scope) for (let i = 0; i < scope.count; i++) this.mask[scope.ids[i]!] = 0;
    }
  }

  private maskOf(scope: { ids: Int32Array; count: number }): Uint8Array {
    if (this.mask.length < this.catalog.size) this.mask = new Uint8Array(this.catalog.alive.length);
    for (let i = 0; i < scope.count; i++) this.mask[scope.ids[i]!] = 1;
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
      const copy = new SharedArrayBuffer(count * set.dim * 4);
      new Float32Array(copy).set(set.vectors.subarray(0, count * set.dim));
      vectors = copy;
    }
    const file = this.indexFile(entry);
    entry.progress = { done: 0, total: count };
    entry.build = buildIndexFile({ vectors: vectors as SharedArrayBuffer, count, dim: set.dim, file, threads: this.options.buildThreads ?? 1 }, (done, total) => {
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

function dot(set: EmbeddingSet, slot: number, query: Float32Array): number {
  const { vectors, dim } = set;
  const at = slot * dim;
  let s = 0;
  for (let d = 0; d < dim; d++) s += vectors[at + d]! * query[d]!;
  return s;
}
