import type { Item } from '../../protocol/items.js';
import type { Filter, HistogramBody, HistogramResponse, QueryBody, QuerySort } from '../../protocol/query.js';
import { canonicalPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { Catalog } from '../catalog/catalog.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { applyFilters, filterMetric, type FilterContext, type IdList } from './filters.js';
import { binValues } from './histogram.js';
import { itemView } from './item-view.js';
import { buildLabelIndex, type LabelIndex } from './label-index.js';
import { addedOrder, nameOrder, nameOrderAsync, randomOrder, valueOrder, type SortedOrder } from './sorters.js';

export interface QueryEngineOptions {
  catalog: Catalog;
  labels: LabelLookup;
  /**
   * A number that changes whenever any label changes. Optional: with it, the resolved label index
   * is reused between queries; without it, it is rebuilt per query (cheap while labels are sparse).
   */
  labelRevision?: () => number;
}

export interface QueryResult {
  items: Item[];
  total: number;
  offset: number;
  limit: number;
}

const DEFAULT_SORT: QuerySort = { key: 'name', order: 'asc' };

/**
 * Filtering, sorting, windowing and histograms over a Catalog plus the live label projection.
 * Everything is computed on the server so the browser only ever holds one window of items.
 */
export class QueryEngine {
  private readonly catalog: Catalog;
  private readonly labels: LabelLookup;
  private readonly labelRevision: (() => number) | undefined;
  private readonly orders = new Map<string, { stamp: string; order: SortedOrder }>();
  private lower: string[] = [];
  private lowerDone = 0;
  private labelCache: { stamp: string; index: LabelIndex } | undefined;
  private fieldsCache: { stamp: string; fields: { name: string; count: number }[] } | undefined;
  private scratchArray = new Uint8Array(0);
  private pendingName: { stamp: string; build: Promise<void> } | undefined;

  constructor(options: QueryEngineOptions) {
    this.catalog = options.catalog;
    this.labels = options.labels;
    this.labelRevision = options.labelRevision;
  }

  query(body: QueryBody): QueryResult {
    const labelIndex = this.labelIndex();
    const ctx = this.context(labelIndex);
    const list = this.scope(body.path, body.recursive);
    applyFilters(list, body.filters, ctx);
    const ordered = this.orderIds(list, body.sort ?? DEFAULT_SORT, ctx, labelIndex);
    const end = Math.min(ordered.count, body.offset + body.limit);
    const items: Item[] = [];
    for (let i = body.offset; i < end; i++) {
      const id = ordered.ids[i]!;
      items.push(itemView(this.catalog, id, this.labels.peek(this.catalog.paths[id]!)));
    }
    return { items, total: list.count, offset: body.offset, limit: body.limit };
  }

  /**
   * `filtered` applies every filter except those on the histogram's own metric, so brushing a
   * range on this metric keeps showing the whole shape of what the other filters leave.
   */
  histogram(body: HistogramBody): HistogramResponse {
    const labelIndex = this.labelIndex();
    const ctx = this.context(labelIndex);
    const values = ctx.metricValues(body.metric);
    const population = this.scope(body.path, body.recursive);
    const filtered: IdList = { ids: population.ids.slice(0, population.count), count: population.count };
    const others = body.filters.filter((f: Filter) => filterMetric(f) !== body.metric);
    applyFilters(filtered, others, ctx);
    const bins = values
      ? binValues(values, population.ids, population.count, filtered.ids, filtered.count, body.bins)
      : { min: null, max: null, population: new Array<number>(body.bins).fill(0), filtered: new Array<number>(body.bins).fill(0) };
    return { metric: body.metric, ...bins };
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

  /**
   * Makes sure the order a query needs is built, building the slow one (names) in slices so the
   * event loop keeps serving meanwhile. `query` works without it, but would build synchronously.
   */
  async prepare(sort: QuerySort | undefined): Promise<void> {
    if ((sort ?? DEFAULT_SORT).key !== 'name') return;
    const stamp = `${this.catalog.generation}:`;
    if (this.orders.get('name')?.stamp === stamp) return;
    if (this.pendingName?.stamp !== stamp) {
      const build = nameOrderAsync(this.catalog).then((order) => {
        // Keep it only if the catalog did not change while it was being built.
        if (`${this.catalog.generation}:` === stamp) this.orders.set('name', { stamp, order });
      });
      this.pendingName = { stamp, build };
      void build.finally(() => {
        if (this.pendingName?.build === build) this.pendingName = undefined;
      });
    }
    await this.pendingName.build;
  }

  /** Builds the common sorted orders ahead of the first query that needs them. */
  async warm(): Promise<void> {
    await this.prepare(DEFAULT_SORT);
    this.sortedOrder('added', 0);
  }

  private scope(rawPath: string, recursive: boolean): IdList {
    const canonical = canonicalPath(rawPath);
    if (!canonical.ok) throw new AppError('invalid_path', canonical.reason);
    const dir = this.catalog.dirOfPath(canonical.path);
    if (!dir) throw new AppError('folder_not_found', `no folder ${canonical.path}`);
    const catalog = this.catalog;
    if (dir.id === 0 && recursive) {
      const ids = new Int32Array(catalog.aliveCount);
      let n = 0;
      for (let id = 0; id < catalog.size; id++) if (catalog.alive[id]) ids[n++] = id;
      return { ids, count: n };
    }
    const ids = new Int32Array(recursive ? dir.count : dir.items.length);
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

  /** Orders the surviving ids of `list`; returns a fresh list (the input's buffer is reused). */
  private orderIds(list: IdList, sort: QuerySort, ctx: FilterContext, labelIndex: LabelIndex): IdList {
    const keep = new Uint8Array(this.catalog.size);
    for (let i = 0; i < list.count; i++) keep[list.ids[i]!] = 1;
    const desc = sort.order === 'desc';
    const out = list.ids;
    let n = 0;
    if (sort.key.startsWith('metric:')) {
      const metric = sort.key.slice(7);
      const values = ctx.metricValues(metric);
      const base = this.sortedOrder(sort.key, 0);
      // Label-set values move their items: take them out of the cached column order and merge
      // them back in by value.
      const moved: number[] = [];
      for (let i = 0; i < labelIndex.ids.length; i++) {
        const id = labelIndex.ids[i]!;
        if (labelIndex.labels[i]!.metrics[metric] !== undefined && keep[id] === 1) {
          keep[id] = 2;
          moved.push(id);
        }
      }
      moved.sort((a, b) => values![a]! - values![b]! || a - b);
      if (desc) moved.reverse();
      const { order, valid } = base.order;
      let m = 0;
      const step = desc ? -1 : 1;
      for (let k = 0, i = desc ? valid - 1 : 0; k < valid; k++, i += step) {
        const id = order[i]!;
        if (keep[id] !== 1) continue;
        if (m < moved.length) {
          const v = values![id]!;
          while (m < moved.length && (desc ? values![moved[m]!]! > v : values![moved[m]!]! < v)) out[n++] = moved[m++]!;
        }
        out[n++] = id;
      }
      while (m < moved.length) out[n++] = moved[m++]!;
      for (let i = valid; i < order.length; i++) if (keep[order[i]!] === 1) out[n++] = order[i]!;
      return { ids: out, count: n };
    }
    const { order } = this.sortedOrder(sort.key, sort.seed ?? 0).order;
    if (desc) {
      for (let i = order.length - 1; i >= 0; i--) if (keep[order[i]!] === 1) out[n++] = order[i]!;
    } else {
      for (let i = 0; i < order.length; i++) if (keep[order[i]!] === 1) out[n++] = order[i]!;
    }
    return { ids: out, count: n };
  }

  /** Cached per key; metric orders use the catalog column only (labels are merged per query). */
  private sortedOrder(key: string, seed: number): { order: SortedOrder } {
    const isMetric = key.startsWith('metric:');
    const stamp = `${this.catalog.generation}:${isMetric ? this.catalog.metricsGeneration : ''}`;
    const cacheKey = key === 'random' ? `random:${seed}` : key;
    const hit = this.orders.get(cacheKey);
    if (hit && hit.stamp === stamp) return hit;
    let order: SortedOrder;
    if (key === 'name') order = nameOrder(this.catalog);
    else if (key === 'added') order = addedOrder(this.catalog);
    else if (key === 'random') order = randomOrder(this.catalog, seed);
    else order = valueOrder(this.catalog, this.catalog.metrics.get(key.slice(7)));
    // Random orders for other seeds are dropped so a shuffling client cannot grow the cache.
    if (key === 'random') for (const k of this.orders.keys()) if (k.startsWith('random:')) this.orders.delete(k);
    const entry = { stamp, order };
    this.orders.set(cacheKey, entry);
    return entry;
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

  private scratch(): Uint8Array {
    if (this.scratchArray.length < this.catalog.size) this.scratchArray = new Uint8Array(this.catalog.width.length);
    else this.scratchArray.fill(0);
    return this.scratchArray;
  }
}
