import type { Item } from '../../protocol/items.js';
import type { Filter, HistogramBody, HistogramResponse, QueryBody } from '../../protocol/query.js';
import { canonicalPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { Catalog, DirNode } from '../catalog/catalog.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { arrange, idAt, positionOf, windowByWalk, type Arranged, type LabelMetrics } from './arrange.js';
import { applyFilters, filterMetric, type FilterContext, type IdList } from './filters.js';
import { binPopulation, countBins, type PopulationBins, withFiltered } from './histogram.js';
import { itemView } from './item-view.js';
import { buildLabelIndex, type LabelIndex } from './label-index.js';
import { DEFAULT_SORT, OrderBook, type ListSort } from './order-book.js';
import { ScopedOrders } from './scoped-orders.js';
import { selectTop, type SelectKey } from './top-k.js';

export interface QueryEngineOptions {
  catalog: Catalog;
  labels: LabelLookup;
  /**
   * A number that changes whenever any label changes. Optional: with it, the resolved label index
   * (and metric-sorted folders) are reused between queries; without it, rebuilt per query.
   */
  labelRevision?: () => number;
  /** True while the dataset is still indexing: unfiltered orders may then be up to 1 s stale. */
  indexing?: () => boolean;
  /** How long an order build runs between two turns of the event loop (default 10 ms; tests: 0). */
  buildSliceMs?: number;
}

/** A window of a list: what `/folders` and `/query` both answer with. */
export interface ListWindow {
  items: Item[];
  total: number;
  offset: number;
  limit: number;
}

export interface ListRequest {
  dirId: number;
  recursive: boolean;
  filters: readonly Filter[];
  sort: ListSort;
  offset: number;
  limit: number;
  /** An item path: when it is in the list, the window is the one holding it (deep links). */
  around?: string;
}

/** How stale an unfiltered order may be while indexing is still adding items. */
const INDEXING_STALE_MS = 1000;

/** Histogram populations kept (a few bytes each: counts and range). */
const MAX_POPULATIONS = 64;

/** Windows ending past this position wait for the whole order: selecting them keeps too many ids (TK1). */
const MAX_SELECTED = 20_000;

/** The part of a request that decides whether its window can be selected before the order exists. */
export interface WindowAsk {
  offset: number;
  limit: number;
  around?: string;
}

/**
 * The one listing engine (SPEC.md): filtering, sorting, windowing and histograms over a Catalog
 * plus the live label projection, behind `/folders`, `/query` and `/search`. Everything is
 * computed on the server so the browser only ever holds one window of items.
 */
export class QueryEngine {
  private readonly catalog: Catalog;
  private readonly labels: LabelLookup;
  private readonly labelRevision: (() => number) | undefined;
  private readonly indexing: () => boolean;
  private readonly book: OrderBook;
  private readonly scoped = new ScopedOrders();
  private lower: string[] = [];
  private lowerDone = 0;
  private labelCache: { stamp: string; index: LabelIndex } | undefined;
  private fieldsCache: { stamp: string; fields: { name: string; count: number }[] } | undefined;
  private scratchArray = new Uint8Array(0);
  private readonly populations = new Map<string, { stamp: string; bins: PopulationBins | undefined }>();
  private readonly idBuffers = [new Int32Array(0), new Int32Array(0)];
  /** Stamps metric-sorted folders when no label revision is known: never reused. */
  private uncached = 0;

  constructor(options: QueryEngineOptions) {
    this.catalog = options.catalog;
    this.labels = options.labels;
    this.labelRevision = options.labelRevision;
    this.indexing = options.indexing ?? (() => false);
    this.book = new OrderBook(options.catalog, options.buildSliceMs);
  }

  query(body: QueryBody): ListWindow {
    const sort = body.sort ? { key: body.sort.key, order: body.sort.order, seed: body.sort.seed ?? 0 } : DEFAULT_SORT;
    const dir = this.dir(body.path);
    return this.list({ dirId: dir.id, recursive: body.recursive, filters: body.filters, sort, offset: body.offset, limit: body.limit });
  }

  /** Windows a folder's list, filtered or not: `/folders` and `/query` both end here. */
  list(request: ListRequest): ListWindow {
    const selected = this.selectedWindow(request);
    if (selected) return selected;
    if (request.filters.length > 0 && request.around === undefined) return this.filteredWindow(request);
    const list = this.arranged(request);
    const desc = request.sort.order === 'desc';
    const offset = this.windowStart(list, request, desc);
    const items: Item[] = [];
    const end = Math.min(list.ids.length, offset + request.limit);
    for (let i = offset; i < end; i++) {
      const id = idAt(list, i, desc);
      // A stale order (while indexing) may hold a removed id.
      if (this.catalog.alive[id]) items.push(itemView(this.catalog, id, this.labels.peek(this.catalog.paths[id]!)));
    }
    return { items, total: list.ids.length, offset, limit: request.limit };
  }

  /** `ids` in the order of `sort` (L6), e.g. search matches in name order. */
  order(ids: Int32Array, sort: ListSort = DEFAULT_SORT): Int32Array {
    const list = arrange(this.book, sort, { ids, count: ids.length });
    return Int32Array.from({ length: list.ids.length }, (_, i) => idAt(list, i, sort.order === 'desc'));
  }

  /** Builds the whole-catalog order a list needs in slices, so the event loop keeps serving. */
  prepare(sort: Pick<ListSort, 'key'> & { seed?: number }): Promise<void> {
    return this.book.prepare(sort);
  }

  /** Whether the whole-catalog order for `sort` is built for the catalog as it is. */
  orderBuilt(sort: Pick<ListSort, 'key'> & { seed?: number }): boolean {
    return this.book.has(sort.key, sort.seed ?? 0);
  }

  /**
   * What a route awaits before `list`/`query`: the order's build, in slices, except for a window
   * that can be selected without it (TK1): then at once, the build going on in the background
   * while `list` selects the window from the unsorted ids.
   */
  ready(sort: Pick<ListSort, 'key'> & { seed?: number }, window: WindowAsk): Promise<void> {
    const building = this.book.prepare(sort);
    if (!this.selectable({ key: sort.key, seed: sort.seed ?? 0 }, window)) return building;
    // A failing build fails again, and is reported, in the request that needs the whole order.
    building.catch(() => undefined);
    return Promise.resolve();
  }

  /** Builds the common sorted orders, and the path hashes random orders start from, ahead of the first query that needs them. */
  async warm(): Promise<void> {
    await this.prepare(DEFAULT_SORT);
    await this.prepare({ key: 'added' });
    await this.book.prepareHashes();
  }

  /**
   * `filtered` applies every filter except those on the histogram's own metric, so brushing a
   * range on this metric keeps showing the whole shape of what the other filters leave.
   */
  histogram(body: HistogramBody): HistogramResponse {
    const labelIndex = this.labelIndex();
    const ctx = this.context(labelIndex);
    const values = ctx.metricValues(body.metric);
    const dirId = this.dir(body.path).id;
    const others = body.filters.filter((f: Filter) => filterMetric(f) !== body.metric);
    if (!values) return { metric: body.metric, ...withFiltered(undefined, body.bins, undefined) };
    const pop = this.populationBins(dirId, body.recursive, body.metric, body.bins, values);
    if (!pop || others.length === 0) return { metric: body.metric, ...withFiltered(pop, body.bins, undefined) };
    const filtered = this.scope(dirId, body.recursive, 1);
    applyFilters(filtered, others, ctx);
    return { metric: body.metric, ...withFiltered(pop, body.bins, countBins(values, filtered.ids, filtered.count, pop.min, pop.max, body.bins)) };
  }

  /**
   * The population side of a histogram, kept for the last few (folder, metric, bins) while the
   * catalog, its metrics and the labels stay the same: brushing a range re-counts only what passes.
   */
  private populationBins(dirId: number, recursive: boolean, metric: string, bins: number, values: Float64Array): PopulationBins | undefined {
    const key = `${dirId}|${recursive ? 1 : 0}|${bins}|${metric}`;
    const stamp = `${this.catalog.generation}:${this.catalog.metricsGeneration}:${this.labelRevision?.() ?? 'x'}`;
    const hit = this.labelRevision ? this.populations.get(key) : undefined;
    if (hit?.stamp === stamp) return hit.bins;
    const population = this.scope(dirId, recursive, 1);
    const pop = binPopulation(values, population.ids, population.count, bins);
    this.populations.delete(key);
    this.populations.set(key, { stamp, bins: pop });
    if (this.populations.size > MAX_POPULATIONS) this.populations.delete(this.populations.keys().next().value!);
    return pop;
  }

  /** Metric names with how many alive items have a value, catalog columns and label metrics alike. */
  metricFields(): { name: string; count: number }[] {
    const labelIndex = this.labelIndex();
    const stamp = `${this.catalog.generation}:${this.catalog.metricsGeneration}:${this.labelRevision?.() ?? 'x'}`;
    if (this.fieldsCache && this.labelRevision && this.fieldsCache.stamp === stamp) return this.fieldsCache.fields;
    const names = new Set(this.catalog.metrics.keys());
    for (const labels of labelIndex.labels) for (const name of Object.keys(labels.metrics)) names.add(name);
    const fields = [...names].sort().map((name) => {
      const values = this.metricValues(name, labelIndex);
      let count = 0;
      if (values) {
        const alive = this.catalog.alive;
        for (let id = 0; id < this.catalog.size; id++) if (alive[id] && !Number.isNaN(values[id]!)) count++;
      }
      return { name, count };
    });
    this.fieldsCache = { stamp, fields };
    return fields;
  }

  private dir(rawPath: string): DirNode {
    const canonical = canonicalPath(rawPath);
    if (!canonical.ok) throw new AppError('invalid_path', canonical.reason);
    const dir = this.catalog.dirOfPath(canonical.path);
    if (!dir) throw new AppError('folder_not_found', `no folder ${canonical.path}`);
    return dir;
  }

  private arranged(request: ListRequest): Arranged {
    const { dirId, recursive, sort } = request;
    if (request.filters.length === 0) {
      const isMetric = sort.key.startsWith('metric:');
      const labelStamp = isMetric ? `:${this.catalog.metricsGeneration}:${this.labelRevision?.() ?? `x${++this.uncached}`}` : '';
      const maxStale = this.indexing() ? INDEXING_STALE_MS : 0;
      return this.scoped.get({ dirId, recursive, sort }, `${this.catalog.generation}${labelStamp}`, maxStale, () =>
        this.arrangeScope(dirId, recursive, [], sort),
      );
    }
    return this.arrangeScope(dirId, recursive, request.filters, sort);
  }


  /**
   * A filtered window: the survivors are counted, and the order is walked only as far as the
   * window (`windowByWalk`) unless labels place ids by their metric or the survivors are few.
   */
  private filteredWindow(request: ListRequest): ListWindow {
    const filtered = this.filteredScope(request.dirId, request.recursive, request.filters, request.sort);
    const scope = filtered.scope!; // a filtered list always has one
    const labelMetrics = filtered.labelMetrics;
    const desc = request.sort.order === 'desc';
    const walked = labelMetrics ? undefined : windowByWalk(this.book, request.sort, scope, request.offset, request.limit, desc);
    const items: Item[] = [];
    if (walked) {
      for (const id of walked) items.push(itemView(this.catalog, id, this.labels.peek(this.catalog.paths[id]!)));
      return { items, total: scope.count, offset: request.offset, limit: request.limit };
    }
    const list = arrange(this.book, request.sort, scope, labelMetrics);
    const end = Math.min(list.ids.length, request.offset + request.limit);
    for (let i = request.offset; i < end; i++) {
      const id = idAt(list, i, desc);
      items.push(itemView(this.catalog, id, this.labels.peek(this.catalog.paths[id]!)));
    }
    return { items, total: list.ids.length, offset: request.offset, limit: request.limit };
  }

  private arrangeScope(dirId: number, recursive: boolean, filters: readonly Filter[], sort: ListSort): Arranged {
    const { scope, labelMetrics } = this.filteredScope(dirId, recursive, filters, sort);
    return arrange(this.book, sort, scope, labelMetrics);
  }

  /** The scope after the filters, and the ids a label places by the sort's metric. */
  private filteredScope(dirId: number, recursive: boolean, filters: readonly Filter[], sort: ListSort): { scope: IdList | undefined; labelMetrics: LabelMetrics | undefined } {
    const isMetric = sort.key.startsWith('metric:');
    const labelIndex = filters.length > 0 || isMetric ? this.labelIndex() : undefined;
    const ctx = labelIndex && this.context(labelIndex);
    // A filtered list is windowed and dropped within the call, so its scope can be a reused buffer;
    // an unfiltered one may be cached (ScopedOrders) and needs its own.
    const scope = dirId === 0 && recursive && filters.length === 0 ? undefined : this.scope(dirId, recursive, filters.length > 0 ? 0 : undefined);
    if (scope && ctx) applyFilters(scope, filters, ctx);
    let labelMetrics: LabelMetrics | undefined;
    if (isMetric && labelIndex && ctx) {
      const metric = sort.key.slice(7);
      const values = ctx.metricValues(metric);
      const ids: number[] = [];
      for (let i = 0; i < labelIndex.ids.length; i++) if (labelIndex.labels[i]!.metrics[metric] !== undefined) ids.push(labelIndex.ids[i]!);
      if (values && ids.length) labelMetrics = { values, ids };
    }
    return { scope, labelMetrics };
  }

  private selectable(sort: Pick<ListSort, 'key' | 'seed'>, window: WindowAsk): boolean {
    return window.around === undefined && window.limit > 0 && window.offset + window.limit <= MAX_SELECTED && !this.book.has(sort.key, sort.seed);
  }

  /**
   * TK1: while the order of a list is being built (`ready` started it), its first windows are the
   * best `offset + limit` ids of the filtered scope by the order's own keys, a linear pass, with the
   * same ids in the same order as the built order gives. An unfiltered list already cached is read
   * from the cache instead.
   */
  private selectedWindow(request: ListRequest): ListWindow | undefined {
    const { dirId, recursive, filters, sort, offset, limit } = request;
    if (!this.selectable(sort, request) || !this.book.building(sort.key, sort.seed)) return undefined;
    const isMetric = sort.key.startsWith('metric:');
    if (filters.length === 0 && (!isMetric || this.labelRevision)) {
      const labelStamp = isMetric ? `:${this.catalog.metricsGeneration}:${this.labelRevision!()}` : '';
      const maxStale = this.indexing() ? INDEXING_STALE_MS : 0;
      if (this.scoped.has({ dirId, recursive, sort }, `${this.catalog.generation}${labelStamp}`, maxStale)) return undefined;
    }
    const labelIndex = filters.length > 0 || isMetric ? this.labelIndex() : undefined;
    const ctx = labelIndex && this.context(labelIndex);
    const scope = this.scope(dirId, recursive, 0);
    if (ctx) applyFilters(scope, filters, ctx);
    let key: SelectKey;
    if (sort.key === 'name') key = { kind: 'name' };
    else if (sort.key === 'added') key = { kind: 'value', values: this.catalog.added, valueless: false };
    else if (sort.key === 'random') key = { kind: 'random', hashes: this.book.hashesOfPaths(), seed: sort.seed };
    else key = { kind: 'value', values: ctx!.metricValues(sort.key.slice(7)), valueless: true };
    const top = selectTop(scope.ids, scope.count, offset + limit, key, sort.order === 'desc', this.catalog.paths);
    const items: Item[] = [];
    for (let i = offset; i < top.ids.length; i++) {
      const id = top.ids[i]!;
      items.push(itemView(this.catalog, id, this.labels.peek(this.catalog.paths[id]!)));
    }
    return { items, total: scope.count, offset, limit };
  }

  private windowStart(list: Arranged, request: ListRequest, desc: boolean): number {
    if (request.around === undefined || request.limit === 0) return request.offset;
    const id = this.catalog.idOf(request.around);
    if (id === undefined) return request.offset;
    const at = positionOf(list, id, desc);
    return at < 0 ? request.offset : Math.floor(at / request.limit) * request.limit;
  }

  /** The alive ids under a folder, in a reused buffer when `slot` is given (see `idBuffer`). */
  private scope(dirId: number, recursive: boolean, slot?: 0 | 1): IdList {
    const dir = this.catalog.dirs[dirId]!;
    const catalog = this.catalog;
    const buffer = (length: number) => (slot === undefined ? new Int32Array(length) : this.idBuffer(slot, length));
    if (dir.id === 0 && recursive) {
      const ids = buffer(catalog.aliveCount);
      let n = 0;
      for (let id = 0; id < catalog.size; id++) if (catalog.alive[id]) ids[n++] = id;
      return { ids, count: n };
    }
    const ids = buffer(recursive ? dir.count : dir.items.length);
    let n = 0;
    catalog.forEachItem(dir.id, recursive, (id) => {
      if (n < ids.length) ids[n++] = id;
    });
    return { ids, count: n };
  }

  private context(labelIndex: LabelIndex): FilterContext {
    const memo = new Map<string, Float64Array | undefined>();
    return {
      catalog: this.catalog,
      labels: labelIndex,
      metricValues: (metric) => {
        if (!memo.has(metric)) memo.set(metric, this.metricValues(metric, labelIndex));
        return memo.get(metric);
      },
      lowerPaths: () => this.lowerPaths(),
      scratch: () => this.scratch(),
    };
  }

  /** The catalog column, or a copy with label metrics applied when any label sets this metric. */
  private metricValues(metric: string, labelIndex: LabelIndex): Float64Array | undefined {
    const column = this.catalog.metrics.get(metric);
    let out: Float64Array | undefined;
    for (let i = 0; i < labelIndex.ids.length; i++) {
      const v = labelIndex.labels[i]!.metrics[metric];
      if (v === undefined) continue;
      if (!out) out = column ? column.slice() : new Float64Array(this.catalog.width.length).fill(NaN);
      out[labelIndex.ids[i]!] = v;
    }
    return out ?? column;
  }

  private labelIndex(): LabelIndex {
    if (!this.labelRevision) return buildLabelIndex(this.catalog, this.labels);
    const stamp = `${this.catalog.generation}:${this.labelRevision()}`;
    if (this.labelCache?.stamp === stamp) return this.labelCache.index;
    const index = buildLabelIndex(this.catalog, this.labels);
    this.labelCache = { stamp, index };
    return index;
  }

  /** Lower-cased paths by id, extended as the catalog grows (an id's path never changes). */
  private lowerPaths(): string[] {
    const paths = this.catalog.paths;
    for (let id = this.lowerDone; id < this.catalog.size; id++) {
      const p = paths[id]!;
      const l = p.toLowerCase();
      this.lower[id] = l; // toLowerCase returns the (flattened) input itself when nothing changes
    }
    this.lowerDone = this.catalog.size;
    return this.lower;
  }

  /**
   * One of two id buffers reused by every call: the engine's methods run synchronously and return
   * nothing that points into them, so a burst of filtered queries or histograms allocates no 4 MB
   * scope (at 1M rows) per call for the GC to catch up with.
   */
  private idBuffer(slot: 0 | 1, length: number): Int32Array {
    if (this.idBuffers[slot]!.length < length) this.idBuffers[slot] = new Int32Array(Math.max(length, this.catalog.width.length));
    return this.idBuffers[slot]!.subarray(0, length);
  }

  private scratch(): Uint8Array {
    if (this.scratchArray.length < this.catalog.size) this.scratchArray = new Uint8Array(this.catalog.width.length);
    else this.scratchArray.fill(0);
    return this.scratchArray;
  }
}
