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
import { type LabelIndex, type LabelWatch, LiveLabelIndex } from './label-index.js';
import { PathText } from './path-text.js';
import { DEFAULT_SORT, OrderBook, type ListSort, type SortDirection } from './order-book.js';
import { drain } from './radix.js';
import { ScopedOrders } from './scoped-orders.js';
import type { SelectKey } from './top-k.js';
import { type Selection, selectionSteps } from './window-select.js';

export interface QueryEngineOptions {
  catalog: Catalog;
  labels: LabelLookup;
  /**
   * A number that changes whenever any label changes. Optional: with it, the resolved label index
   * (and metric-sorted folders) are reused between queries; without it, rebuilt per query.
   */
  labelRevision?: () => number;
  /**
   * Tells of each path whose labels change (the label service's projection): the label index is
   * then patched per change instead of rebuilt when the revision moves (L9).
   */
  labelWatch?: LabelWatch;
  /** True while the dataset is still indexing: unfiltered orders may then be up to 1 s stale. */
  indexing?: () => boolean;
  /** How long an order build or a window selection runs between two turns of the event loop (default 10 ms; tests: 0). */
  buildSliceMs?: number;
  /** Ids a window selection reads per step (default `SELECT_CHUNK`; tests: a few, to see its steps). */
  selectChunk?: number;
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

/** Selected windows kept while their orders build (TK2): up to 20k ids each. */
const MAX_SELECTIONS = 32;

/** Scopes kept by `keptScopeIds` (one per filtered view being searched by similarity, EM3). */
const MAX_KEPT_SCOPES = 4;

/** How long a window selection runs between two turns of the event loop (TK3). */
const SELECT_SLICE_MS = 10;

/**
 * The part of a request that decides whether its window can be selected before the order exists,
 * and, when the list is named (`path` and `recursive`, with `filters` and `order`), lets `ready`
 * select it in slices ahead of `list` (TK3).
 */
export interface WindowAsk {
  offset: number;
  limit: number;
  around?: string;
  path?: string;
  recursive?: boolean;
  filters?: readonly Filter[];
  order?: SortDirection;
}

/** A selected window kept for its list (TK2), or the selection of it in progress. */
interface KeptSelection {
  stamp: string;
  /** When its selection started (`performance.now()`): while indexing, it serves for INDEXING_STALE_MS (TK4). */
  startedAt: number;
  /** The order it stands in for, until that order is built. */
  sort: ListSort;
  k: number;
  selection?: Selection;
  running?: Promise<void>;
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
  private readonly pathText: PathText;
  private readonly labelIndexes: LiveLabelIndex;
  private fieldsCache: { stamp: string; fields: { name: string; count: number }[] } | undefined;
  private scratchArray = new Uint8Array(0);
  private readonly populations = new Map<string, { stamp: string; bins: PopulationBins | undefined }>();
  private readonly idBuffers = [new Int32Array(0), new Int32Array(0)];
  private readonly selections = new Map<string, KeptSelection>();
  /** `keptScopeIds`'s lists by folder, recursion and filters, least recently used first. */
  private readonly keptScopes = new Map<string, { stamp: string; list: IdList }>();
  private readonly sliceMs: number;
  private readonly selectChunk: number | undefined;
  /** Stamps metric-sorted folders when no label revision is known: never reused. */
  private uncached = 0;

  constructor(options: QueryEngineOptions) {
    this.catalog = options.catalog;
    this.labels = options.labels;
    this.labelRevision = options.labelRevision;
    this.labelIndexes = new LiveLabelIndex(options.catalog, options.labels, options.labelRevision, options.labelWatch);
    this.indexing = options.indexing ?? (() => false);
    this.book = new OrderBook(options.catalog, options.buildSliceMs, this.indexing);
    this.pathText = new PathText(options.catalog);
    this.sliceMs = options.buildSliceMs ?? SELECT_SLICE_MS;
    this.selectChunk = options.selectChunk;
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

  /**
   * The ids of a folder's items (its subtree when `recursive`) that pass `filters`, in no order:
   * a fresh list the caller may keep (progress stats over a filtered set, assignments of a smart folder).
   */
  scopeIds(path: string, recursive: boolean, filters: readonly Filter[]): IdList {
    const dir = this.dir(path);
    const scope = this.scope(dir.id, recursive);
    if (filters.length > 0) applyFilters(scope, filters, this.context(this.labelIndex()));
    return scope;
  }

  /**
   * `scopeIds`, kept while the catalog, its metrics and the labels stay as they were, and shared:
   * the caller reads the list and never changes it. "Find similar" in a filtered view sends the
   * same scope with every query (EM3), and filtering a million items is milliseconds each time.
   * A list read through label values has no state to key it by without a label revision: not kept.
   */
  keptScopeIds(path: string, recursive: boolean, filters: readonly Filter[]): Readonly<IdList> {
    if (filters.length > 0 && !this.labelRevision) return this.scopeIds(path, recursive, filters);
    const dir = this.dir(path);
    const key = `${dir.id}|${recursive ? 1 : 0}|${JSON.stringify(filters)}`;
    const stamp = `${this.catalog.generation}:${this.catalog.metricsGeneration}:${filters.length > 0 ? this.labelRevision!() : ''}`;
    const hit = this.keptScopes.get(key);
    this.keptScopes.delete(key);
    if (hit?.stamp === stamp) {
      this.keptScopes.set(key, hit);
      return hit.list;
    }
    const list = this.scopeIds(path, recursive, filters);
    // A selective filter keeps a small part of the whole folder's buffer: keep only that part.
    const kept = list.count < list.ids.length / 2 ? { ids: list.ids.slice(0, list.count), count: list.count } : list;
    this.keptScopes.set(key, { stamp, list: kept });
    if (this.keptScopes.size > MAX_KEPT_SCOPES) this.keptScopes.delete(this.keptScopes.keys().next().value!);
    return kept;
  }

  /**
   * Hands `use` the items of a folder (its subtree when `recursive`) that pass `filters`, in no
   * order (`ids`, the first `count`), with the label index (`positionOf` an id's entry); returns
   * what `use` returns. Progress stats count a filtered set this way: no list allocated, no lookup
   * by path. Both are valid during the call only: the ids are a reused buffer, the index is
   * patched at the next label change.
   */
  withScope<T>(path: string, recursive: boolean, filters: readonly Filter[], use: (ids: Int32Array, count: number, index: LabelIndex) => T): T {
    const dir = this.dir(path);
    const scope = this.scope(dir.id, recursive, 0);
    const index = this.labelIndex();
    if (filters.length > 0) applyFilters(scope, filters, this.context(index));
    return use(scope.ids, scope.count, index);
  }

  /** `ids` in the order of `sort` (L6), e.g. search matches in name order. */
  order(ids: Int32Array, sort: ListSort = DEFAULT_SORT): Int32Array {
    const list = arrange(this.book, sort, { ids, count: ids.length });
    return Int32Array.from({ length: list.ids.length }, (_, i) => idAt(list, i, sort.order === 'desc'));
  }

  /**
   * Builds the whole-catalog order a list needs in slices, so the event loop keeps serving;
   * `urgent` (a request waits for it) puts it before the builds queued in the background.
   */
  prepare(sort: Pick<ListSort, 'key'> & { seed?: number }, urgent = true): Promise<void> {
    return this.book.prepare(sort, urgent);
  }

  /** A listing request has arrived: background work waits for it until the returned function is called (OB4). */
  requestStarted(): () => void {
    return this.book.requestStarted();
  }

  /** Whether the whole-catalog order for `sort` is built for the catalog as it is. */
  orderBuilt(sort: Pick<ListSort, 'key'> & { seed?: number }): boolean {
    return this.book.has(sort.key, sort.seed ?? 0);
  }

  /**
   * What a route awaits before `list`/`query`: the order's build, in slices, except for a window
   * that can be selected without it (TK1): then the window's selection, in slices too when the
   * list is named (TK3), the build going on in the background.
   */
  ready(sort: Pick<ListSort, 'key'> & { seed?: number; order?: SortDirection }, window: WindowAsk): Promise<void> {
    const seed = sort.seed ?? 0;
    const selectable = this.selectable({ key: sort.key, seed }, window);
    // Only a request that cannot be answered before its order is built goes before the queued builds.
    const building = this.book.prepare(sort, !selectable);
    if (!selectable) return building;
    // A failing build fails again, and is reported, in the request that needs the whole order.
    building.catch(() => undefined);
    const dir = window.path === undefined || window.recursive === undefined ? undefined : this.dirOrNone(window.path);
    if (!dir || !this.book.building(sort.key, seed)) return Promise.resolve();
    return this.selectAhead({
      dirId: dir.id,
      recursive: window.recursive!,
      filters: window.filters ?? [],
      sort: { key: sort.key, order: sort.order ?? window.order ?? 'asc', seed },
      offset: window.offset,
      limit: window.limit,
    });
  }

  /**
   * Builds the common sorted orders, the lower-cased paths the text filter reads and the path
   * hashes random orders start from, ahead of the first query that needs them. The first
   * requests after a load come before most of it is done: they are answered by selections
   * (TK1), which a text filter or a random key would have to do this work for at once, while the
   * added order waits in the background; so that order is built last.
   */
  async warm(): Promise<void> {
    await this.prepare(DEFAULT_SORT, false);
    await this.inSlices(this.pathText.extendSteps());
    await this.book.prepareHashes();
    await this.prepare({ key: 'added' }, false);
    // The per-call buffers every filtered list and histogram reuses, taken now: allocated by a first
    // query, tens of MB at 10M rows set off a full collection of the path heap inside that request.
    this.idBuffer(0, this.catalog.aliveCount);
    this.idBuffer(1, this.catalog.aliveCount);
    this.scratch();
    this.book.mask();
  }

  /**
   * The name order of the catalog as it is, which every first window and every other order starts
   * from. A table asks for it once every path is in, while its numbers are still being decoded on
   * another core (OB5); `warm()` then finds it built. The path text and hashes wait for `warm()`:
   * built during the load too they only added to its peak memory.
   */
  async warmNames(): Promise<void> {
    await this.book.prepareCurrent(DEFAULT_SORT);
  }

  /** Runs background steps to their end in slices of ~10 ms, letting the event loop turn and requests go first (OB2). */
  private async inSlices(steps: Generator<void, void>): Promise<void> {
    let sliceStart = performance.now();
    while (!steps.next().done) {
      if (performance.now() - sliceStart < this.sliceMs) continue;
      await this.book.pause();
      sliceStart = performance.now();
    }
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

  /** The folder a request names, or nothing (its `list` reports why). */
  private dirOrNone(rawPath: string): DirNode | undefined {
    const canonical = canonicalPath(rawPath);
    return canonical.ok ? this.catalog.dirOfPath(canonical.path) : undefined;
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
      // Picked from an order of an earlier catalog (OB1): kept under a stamp no state matches.
      const generation = this.book.current(sort.key, sort.seed) ? `${this.catalog.generation}` : `stale${++this.uncached}`;
      return this.scoped.get({ dirId, recursive, sort }, `${generation}${labelStamp}`, maxStale, () =>
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
   * from the cache instead; a window already selected for the list is reused (TK2).
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
    const selection = this.keptSelection(request) ?? this.keepSelection(request, drain(this.selectionOf(request)));
    const items: Item[] = [];
    const end = Math.min(selection.ids.length, offset + limit);
    for (let i = offset; i < end; i++) {
      const id = selection.ids[i]!;
      // A selection kept while indexing (TK4) may hold an item removed since.
      if (this.catalog.alive[id]) items.push(itemView(this.catalog, id, this.labels.peek(this.catalog.paths[id]!)));
    }
    return { items, total: selection.total, offset, limit };
  }

  /** The steps selecting a request's first `offset + limit` ids (window-select.ts). */
  private selectionOf(request: ListRequest): Generator<void, Selection> {
    const { dirId, recursive, filters, sort } = request;
    const isMetric = sort.key.startsWith('metric:');
    const labelIndex = filters.length > 0 || isMetric ? this.labelIndex() : undefined;
    const ctx = labelIndex && this.context(labelIndex);
    let key: SelectKey;
    if (sort.key === 'name') key = { kind: 'name' };
    else if (sort.key === 'added') key = { kind: 'value', values: this.catalog.added, valueless: false };
    else if (sort.key === 'random') key = { kind: 'random', hashes: this.book.hashesOfPaths(), seed: sort.seed };
    else key = { kind: 'value', values: ctx!.metricValues(sort.key.slice(7)), valueless: true };
    const k = request.offset + request.limit;
    return selectionSteps({ catalog: this.catalog, dirId, recursive, filters, ctx, key, desc: sort.order === 'desc', k, chunk: this.selectChunk });
  }

  /**
   * Where a request's selection is kept (TK2): its list and the state it was selected in. A list
   * read through label values has no state to key it by without a label revision: not kept.
   */
  private selectionSlot(request: ListRequest): { key: string; stamp: string } | undefined {
    const { dirId, recursive, filters, sort } = request;
    const labelled = filters.length > 0 || sort.key.startsWith('metric:');
    if (labelled && !this.labelRevision) return undefined;
    const stamp = `${this.catalog.generation}:${this.catalog.metricsGeneration}:${labelled ? this.labelRevision!() : ''}`;
    const seed = sort.key === 'random' ? sort.seed : 0;
    return { key: `${dirId}|${recursive ? 1 : 0}|${sort.key}|${sort.order}|${seed}|${JSON.stringify(filters)}`, stamp };
  }

  /** The kept selection holding this request's window, if any. */
  private keptSelection(request: ListRequest): Selection | undefined {
    const slot = this.selectionSlot(request);
    if (!slot) return undefined;
    const kept = this.selections.get(slot.key);
    // An empty selection of a catalog that has grown since may not be empty any more (OB3).
    if (!kept?.selection || (kept.stamp !== slot.stamp && (!this.fresh(kept.startedAt) || kept.selection.total === 0))) return undefined;
    const { ids } = kept.selection;
    // Fewer ids than asked for: the whole scope, enough for any window.
    return kept.k >= request.offset + request.limit || ids.length < kept.k ? kept.selection : undefined;
  }

  private keepSelection(request: ListRequest, selection: Selection, stamp = this.selectionSlot(request)?.stamp, startedAt = performance.now()): Selection {
    const slot = this.selectionSlot(request);
    if (!slot || stamp === undefined || (slot.stamp !== stamp && !this.fresh(startedAt))) return selection;
    this.selections.delete(slot.key);
    this.selections.set(slot.key, { stamp, startedAt, sort: request.sort, k: request.offset + request.limit, selection });
    this.forgetSelections();
    return selection;
  }

  /**
   * TK4: while indexing, a selection started less than INDEXING_STALE_MS ago still serves its list
   * though the catalog has grown since (as an unfiltered order may be that stale, L8): otherwise
   * every insert would overtake it, and each request would select again over the whole catalog
   * at once.
   */
  private fresh(startedAt: number): boolean {
    return this.indexing() && performance.now() - startedAt < INDEXING_STALE_MS;
  }

  /** Drops selections whose orders are built or whose state is gone, then the oldest past the bound. */
  private forgetSelections(): void {
    for (const [key, kept] of this.selections) {
      if (kept.running === undefined && !this.book.building(kept.sort.key, kept.sort.seed)) this.selections.delete(key);
    }
    while (this.selections.size > MAX_SELECTIONS) this.selections.delete(this.selections.keys().next().value!);
  }

  /**
   * TK3: selects a request's window in slices of ~10 ms, yielding to the event loop between them,
   * and keeps it for `list` (TK2). Requests for the same list share one selection. A selection
   * overtaken by a change of the catalog or the labels, or by the order's build, is dropped: `list`
   * then reads the built order or selects at once.
   */
  private selectAhead(request: ListRequest): Promise<void> {
    const slot = this.selectionSlot(request);
    if (!slot || this.keptSelection(request)) return Promise.resolve();
    const k = request.offset + request.limit;
    const kept = this.selections.get(slot.key);
    if (kept?.running && (kept.stamp === slot.stamp || this.fresh(kept.startedAt)) && kept.k >= k) return kept.running;
    const entry: KeptSelection = { stamp: slot.stamp, startedAt: performance.now(), sort: request.sort, k };
    const steps = this.selectionOf(request);
    const stale = () =>
      (this.selectionSlot(request)?.stamp !== slot.stamp && !this.fresh(entry.startedAt)) || !this.book.building(request.sort.key, request.sort.seed);
    entry.running = (async () => {
      // Builds wait while this request's window is selected (OB2): it needs a pass over its scope,
      // they need many, and a first request after a load would otherwise share its turns with them.
      const release = this.book.hold();
      try {
        let sliceStart = performance.now();
        for (;;) {
          const next = steps.next();
          if (next.done) {
            entry.selection = next.value;
            return;
          }
          if (performance.now() - sliceStart < this.sliceMs) continue;
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (stale()) return;
          sliceStart = performance.now();
        }
      } finally {
        release();
        entry.running = undefined;
        if (this.selections.get(slot.key) === entry) {
          if (entry.selection && !stale()) this.keepSelection(request, entry.selection, slot.stamp, entry.startedAt);
          else this.selections.delete(slot.key);
        }
      }
    })();
    this.selections.delete(slot.key);
    this.selections.set(slot.key, entry);
    return entry.running;
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
      return { ids, count: aliveIds(catalog.alive, catalog.size, ids) };
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
      pathText: () => this.pathText.current(),
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
    return this.labelIndexes.current();
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

/**
 * The alive ids below `size` into `out`; how many. A function of its own: optimized whole, not
 * entered at the loop with no type feedback for what follows it (a deopt per call at 1M rows).
 */
function aliveIds(alive: Uint8Array, size: number, out: Int32Array): number {
  let n = 0;
  for (let id = 0; id < size; id++) if (alive[id]) out[n++] = id;
  return n;
}
