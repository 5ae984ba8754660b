import type { Catalog } from '../catalog/catalog.js';
import { hashPath } from './collation.js';
import { compareByName, sortFewByName } from './name-order.js';
import { drain, type Scratch, ScratchPool } from './radix.js';
import { addedOrderSteps, nameOrderSteps, randomOrderSteps, sortFewByRandom, sortFewByValue, valueOrderSteps, type SortedOrder } from './sorters.js';

/** `name`, `added`, `random` or `metric:<name>`: the same keys for every route (SPEC.md L5). */
export type SortKey = string;
export type SortDirection = 'asc' | 'desc';

export interface ListSort {
  key: SortKey;
  order: SortDirection;
  /** Only read by `random`. */
  seed: number;
}

export const DEFAULT_SORT: ListSort = { key: 'name', order: 'asc', seed: 0 };

/** How long a build runs before it lets the event loop serve others (`prepare`). */
const SLICE_MS = 10;

/**
 * How long background work waits for listing requests in flight before it takes a slice anyway
 * (OB4): a client that never pauses between requests must not stop the builds for good.
 */
const REQUESTS_FIRST_MAX_MS = 200;

/** While indexing, an order younger than this serves without a new build being started (OB1). */
const INDEXING_STALE_MS = 1000;

function hashRange(paths: readonly string[], hashes: Uint32Array, from: number, to: number): void {
  for (let id = from; id < to; id++) hashes[id] = hashPath(paths[id]!);
}

/** One order being built: its steps, driven by `prepare` in slices or by `order` to the end. */
interface Build {
  stamp: string;
  steps: Generator<void, SortedOrder>;
  result?: SortedOrder;
  /** Set once `prepare` queued it to be driven in slices: every caller shares the one loop. */
  running?: Promise<void>;
  /** Starts its loop: called when its turn in the queue comes (OB2). */
  start?: () => void;
  /** A request waits for it: it does not give way to requests in flight (OB4). */
  awaited?: boolean;
}

/** A built order and the catalog state it holds (its stamp), from when its build started. */
interface Kept {
  stamp: string;
  startedAt: number;
  order: SortedOrder;
}

/**
 * The whole-catalog sorted orders, one per sort key (and seed), cached until the catalog changes.
 * Every listing (folders, queries, search) is a selection from one of these, so all routes agree
 * on the order by construction.
 */
export class OrderBook {
  private readonly orders = new Map<string, Kept>();
  /** Builds in progress by cache key: a request and a warm-up share one. */
  private readonly builds = new Map<string, Build>();
  private hashes = new Uint32Array(0);
  private hashedUpTo = 0;
  private maskBuffer = new Uint8Array(0);
  private readonly scratch = new ScratchPool();
  /** Requests' own sliced work running now (`hold`): builds wait between their slices meanwhile. */
  private holds = 0;
  private resume: (() => void) | undefined;
  private resumed: Promise<void> | undefined;
  /** Builds waiting for their turn, and the one being driven: one at a time, so one set of work arrays (OB2). */
  private readonly queue: Build[] = [];
  private active: Build | undefined;
  /** Listing requests in flight (`requestStarted`): background slices wait for them (OB4). */
  private requests = 0;
  private requestsDone: (() => void) | undefined;
  private requestsIdle: Promise<void> | undefined;

  /**
   * `sliceMs`: how long `prepare` runs a build between two turns of the event loop. `indexing`:
   * true while the dataset is still being indexed, when a stale order may serve (OB1).
   */
  constructor(
    private readonly catalog: Catalog,
    private readonly sliceMs = SLICE_MS,
    private readonly indexing: () => boolean = () => false,
  ) {}

  /** One more than the largest id handed out: the length of a per-id mask. */
  get idSpace(): number {
    return this.catalog.size;
  }

  /**
   * A zeroed per-id byte mask, the same buffer every call: picking from an order is synchronous
   * and keeps nothing, so a burst of filtered queries leaves no 1 MB masks (at 1M rows) waiting
   * for the GC as external memory.
   */
  mask(): Uint8Array {
    const size = this.catalog.size;
    if (this.maskBuffer.length < size) this.maskBuffer = new Uint8Array(this.catalog.width.length);
    const mask = this.maskBuffer.subarray(0, size);
    mask.fill(0);
    return mask;
  }

  /**
   * Builds the order for `sort` (and the name order it starts from) in slices of ~10 ms, yielding
   * to the event loop between them: at 1M rows a build is 0.1–0.3 s, at 10M seconds, which `order()`
   * would spend inside one request. Concurrent calls share one build. Once indexing is done, a
   * build overtaken by a catalog change is left for `order()` to redo. While indexing (OB1) an
   * overtaken build runs to its end, and an order already built answers at once: the next build
   * starts in the background when it is over a second old. Builds run one at a time, in the
   * order asked, except that an `urgent` one (a request waits for it) goes before those queued.
   */
  async prepare(sort: { key: SortKey; seed?: number } = DEFAULT_SORT, urgent = true): Promise<void> {
    const seed = sort.seed ?? 0;
    if (this.cached(sort.key, seed)) return;
    const kept = this.stale(this.orders.get(this.cacheKey(sort.key, seed)));
    if (kept && performance.now() - kept.startedAt < INDEXING_STALE_MS) return;
    const running = this.drive(this.build(sort.key, seed), sort.key, seed, urgent && !kept);
    if (!kept) return running;
    // A failing build fails again, and is reported, in the request that needs the current order.
    running.catch(() => undefined);
  }

  /**
   * Like `prepare` in the background, but for the catalog as it is even while indexing: an order
   * built before the last paths came in (OB1) does not count. A table's paths are all in before its
   * numbers, and the name order built then stays current to the end of the load (OB5). Gives up
   * after a few builds overtaken by changes; a request builds the order then.
   */
  async prepareCurrent(sort: { key: SortKey; seed?: number }): Promise<void> {
    const seed = sort.seed ?? 0;
    for (let tries = 0; tries < 3 && !this.cached(sort.key, seed); tries++) await this.drive(this.build(sort.key, seed), sort.key, seed, false);
  }

  /**
   * Pauses background builds (between two of their slices) until the returned function is called:
   * a request selecting its window in slices (TK3) then gets the event loop's turns to itself
   * instead of sharing them with every build the first requests after a load started (OB2).
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds > 0) return;
      this.resume?.();
      this.resume = undefined;
      this.resumed = undefined;
    };
  }

  /**
   * A listing request has arrived; call the returned function once it is answered (or dropped).
   * Until then background work waits between its slices, up to REQUESTS_FIRST_MAX_MS (OB4): a
   * request crosses the event loop several times (body, handler, reply), and a 10 ms slice run at
   * each crossing made a 5 ms answer take 30–60 ms right after a load, while warm() built orders.
   */
  requestStarted(): () => void {
    this.requests++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.requests === 0) this.wakeFromRequests();
    };
  }

  /** Ends the current wait for requests in flight (OB4). */
  private wakeFromRequests(): void {
    this.requestsDone?.();
    this.requestsDone = undefined;
    this.requestsIdle = undefined;
  }

  /** Yields one turn of the event loop, then waits while a request holds the builds (OB2) or is in flight (OB4). */
  async pause(awaited = false): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.whileHeld();
    if (!awaited) await this.whileRequests();
  }

  private async whileRequests(): Promise<void> {
    if (this.requests === 0) return;
    this.requestsIdle ??= new Promise<void>((resolve) => {
      this.requestsDone = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, REQUESTS_FIRST_MAX_MS);
    });
    await Promise.race([this.requestsIdle, late]);
    clearTimeout(timer);
  }

  private async whileHeld(): Promise<void> {
    while (this.holds > 0) {
      this.resumed ??= new Promise<void>((resolve) => {
        this.resume = resolve;
      });
      await this.resumed;
    }
  }

  /**
   * Queues a build to run to its end in slices (one loop per build, however many callers wait on
   * it), after the builds queued before it unless `urgent`. Builds sliced side by side would each
   * hold a set of work arrays (25 bytes an id) and share the loop's turns, all finishing late;
   * one at a time, each is done sooner and the first has its order early (OB2).
   */
  private drive(build: Build, key: SortKey, seed: number, urgent: boolean): Promise<void> {
    if (urgent) {
      build.awaited = true;
      // The build running now goes on without waiting for requests: one of them waits behind it.
      this.wakeFromRequests();
    }
    if (build.running) {
      const at = this.queue.indexOf(build);
      if (urgent && at > 0) this.queue.unshift(...this.queue.splice(at, 1));
      return build.running;
    }
    const turn = new Promise<void>((resolve) => {
      build.start = resolve;
    });
    build.running = turn
      .then(() => this.run(build, key, seed))
      .finally(() => {
        this.active = undefined;
        this.next();
      });
    if (urgent) this.queue.unshift(build);
    else this.queue.push(build);
    this.next();
    return build.running;
  }

  /** Starts the next queued build when none runs. */
  private next(): void {
    if (this.active) return;
    const build = this.queue.shift();
    if (!build) return;
    this.active = build;
    build.start!();
  }

  private async run(build: Build, key: SortKey, seed: number): Promise<void> {
    await this.whileHeld();
    let sliceStart = performance.now();
    while (build.result === undefined && this.step(build)) {
      if (performance.now() - sliceStart < this.sliceMs) continue;
      await this.pause(build.awaited || this.queue.some((queued) => queued.awaited));
      if (build.stamp !== this.stamp(key) && !this.indexing()) {
        if (this.builds.get(this.cacheKey(key, seed)) === build) this.builds.delete(this.cacheKey(key, seed));
        return;
      }
      sliceStart = performance.now();
    }
  }

  /** Whether an order for `key` (and seed) serves: built for the catalog as it is, or while indexing any built one (OB1). */
  has(key: SortKey, seed: number): boolean {
    return this.servable(key, seed) !== undefined;
  }

  /** Whether the order for `key` (and seed) is built for the catalog as it is (not an earlier one, OB1). */
  current(key: SortKey, seed: number): boolean {
    return this.cached(key, seed) !== undefined;
  }

  /** Whether a build of that order has started and not finished: for the catalog as it is, or while indexing any (OB1). */
  building(key: SortKey, seed: number): boolean {
    const build = this.builds.get(this.cacheKey(key, seed));
    return build !== undefined && build.result === undefined && (build.stamp === this.stamp(key) || this.indexing());
  }

  /** Hashes every path (L2's input) in slices, so a first random window (TK1) hashes none in its request. */
  async prepareHashes(): Promise<void> {
    const steps = this.pathHashes();
    let sliceStart = performance.now();
    while (!steps.next().done) {
      if (performance.now() - sliceStart < this.sliceMs) continue;
      await this.pause();
      sliceStart = performance.now();
    }
  }

  /** FNV-1a of every id's path (L2's input), computed now for the ids that lack it. */
  hashesOfPaths(): Uint32Array {
    return drain(this.pathHashes());
  }

  /**
   * The ascending order of every alive id for `key`; built on first use after a catalog change.
   * While indexing, the newest order built serves (OB1): ids added since are not in it, and ids
   * removed since still are.
   */
  order(key: SortKey, seed: number): SortedOrder {
    const hit = this.servable(key, seed);
    if (hit) return hit;
    const build = this.build(key, seed);
    while (this.step(build));
    return build.result!;
  }

  private cacheKey(key: SortKey, seed: number): string {
    return key === 'random' ? `random:${seed}` : key;
  }

  /**
   * The catalog state an order of `key` depends on: its alive paths (the name order every other
   * order starts from), and for metric orders the metrics, for the added order every other fact
   * (`generation`). The name and random orders ignore numbers arriving late (OB5).
   */
  private stamp(key: SortKey): string {
    const c = this.catalog;
    const own = key === 'name' || key === 'random' ? '' : key.startsWith('metric:') ? c.metricsGeneration : c.generation;
    return `${c.pathsGeneration}:${own}`;
  }

  private cached(key: SortKey, seed: number): SortedOrder | undefined {
    const hit = this.orders.get(this.cacheKey(key, seed));
    return hit && hit.stamp === this.stamp(key) ? hit.order : undefined;
  }

  /** The order that serves lists of `key`: the current one, or while indexing the newest built (OB1). */
  private servable(key: SortKey, seed: number): SortedOrder | undefined {
    const hit = this.orders.get(this.cacheKey(key, seed));
    return hit && (hit.stamp === this.stamp(key) || this.stale(hit)) ? hit.order : undefined;
  }

  /**
   * `kept` when it may serve though the catalog has changed (OB1). An order of an empty catalog
   * never does once items are in (OB3): a client polling from the moment the server listens would
   * otherwise get empty windows for a second after the first rows landed.
   */
  private stale(kept: Kept | undefined): Kept | undefined {
    if (!kept || !this.indexing()) return undefined;
    return kept.order.order.length > 0 || this.catalog.aliveCount === 0 ? kept : undefined;
  }

  /**
   * The build in progress for the current catalog (while indexing, whatever state it started
   * from: one build per key at a time), or a new one.
   */
  private build(key: SortKey, seed: number): Build {
    const cacheKey = this.cacheKey(key, seed);
    const stamp = this.stamp(key);
    const running = this.builds.get(cacheKey);
    if (running && running.result === undefined && (running.stamp === stamp || this.indexing())) return running;
    const build: Build = { stamp, steps: this.steps(key, seed) };
    this.builds.set(cacheKey, build);
    return build;
  }

  /** Advances a build by one step; false once it holds its result (then cached, if still current). */
  private step(build: Build): boolean {
    if (build.result !== undefined) return false;
    const next = build.steps.next();
    if (!next.done) return true;
    build.result = next.value;
    return false;
  }

  private *steps(key: SortKey, seed: number): Generator<void, SortedOrder> {
    const startedAt = performance.now();
    let stamp = this.stamp(key);
    const cacheKey = this.cacheKey(key, seed);
    let order: SortedOrder;
    if (key === 'name') order = yield* this.lent((s) => nameOrderSteps(this.catalog, s));
    else if (key === 'random') {
      const hashes = yield* this.pathHashes();
      order = yield* this.lent((s) => randomOrderSteps(this.catalog, hashes, seed, s));
    } else {
      const byName = yield* this.awaitOrder('name');
      // Its ids are the name order's: while indexing that may hold an earlier catalog (OB1).
      stamp = `${byName.stamp.split(':')[0]}:${stamp.split(':')[1]}`;
      order =
        key === 'added'
          ? yield* this.lent((s) => addedOrderSteps(this.catalog, byName.order, s))
          : yield* this.lent((s) => valueOrderSteps(this.catalog.metrics.get(key.slice(7)), byName.order, s));
    }
    const current = this.stamp(key) === stamp;
    if (!current && !this.indexing()) return order; // overtaken by a catalog change: not kept
    if (this.builds.get(cacheKey)?.result === undefined) this.builds.delete(cacheKey);
    // Random orders for other seeds are dropped so a shuffling client cannot grow the cache.
    if (key === 'random') for (const k of this.orders.keys()) if (k.startsWith('random:') && k !== cacheKey) this.orders.delete(k);
    const prior = this.orders.get(cacheKey);
    if (!prior || prior.startedAt <= startedAt) this.orders.set(cacheKey, { stamp, startedAt, order });
    return order;
  }

  /**
   * Runs a build's steps in work arrays lent by the pool (sized for the catalog as the build
   * starts), given back when it ends. A build overtaken and left unfinished keeps its set for the GC.
   */
  private *lent(build: (scratch: Scratch) => Generator<void, SortedOrder>): Generator<void, SortedOrder> {
    const scratch = this.scratch.take(this.catalog.size, this.catalog.size);
    const order = yield* build(scratch);
    this.scratch.give(scratch);
    return order;
  }

  /**
   * Another order this one starts from, with the stamp of the catalog it holds: cached, or built
   * (sharing a build in progress, which while indexing may be of an earlier catalog).
   */
  private *awaitOrder(key: SortKey): Generator<void, { order: SortedOrder; stamp: string }> {
    const hit = this.cached(key, 0);
    if (hit) return { order: hit, stamp: this.stamp(key) };
    const build = this.build(key, 0);
    while (this.step(build)) yield;
    return { order: build.result!, stamp: build.stamp };
  }

  /**
   * Sorts a few ids in place as `order(sort.key, sort.seed)` lists them, by the same keys and
   * tiebreaks (sorters.ts), and returns how many have the sort value (they come first). Sorting a
   * small folder this way beats walking a 1M-id order to pick its items. Names are compared by
   * their packed keys and L1 itself, not by a rank in the name order: no 4 bytes per id kept
   * (40 MB at 10M rows), and, while indexing (OB1), ids no order holds yet sort all the same.
   */
  sortFew(sort: ListSort, ids: Int32Array): number {
    const paths = this.catalog.paths;
    if (sort.key === 'random') {
      sortFewByRandom(ids, drain(this.pathHashes()), sort.seed, paths);
      return ids.length;
    }
    if (sort.key === 'name') {
      sortFewByName(ids, paths);
      return ids.length;
    }
    if (sort.key === 'added') return sortFewByValue(ids, this.catalog.added, paths, false);
    const values = this.catalog.metrics.get(sort.key.slice(7));
    if (values) return sortFewByValue(ids, values, paths, true);
    sortFewByName(ids, paths);
    return 0;
  }

  /** L1 as a comparator over ids (for merging a few ids into an order). */
  byName(): (a: number, b: number) => number {
    return compareByName(this.catalog.paths);
  }

  /** FNV-1a per id, kept (4 bytes an id): a new seed then only re-mixes integers. */
  private *pathHashes(): Generator<void, Uint32Array> {
    const size = this.catalog.size;
    if (this.hashedUpTo < size) {
      if (this.hashes.length < size) {
        const grown = new Uint32Array(Math.max(size, this.hashes.length * 2));
        grown.set(this.hashes);
        this.hashes = grown;
      }
      const paths = this.catalog.paths;
      const hashes = this.hashes;
      for (let from = this.hashedUpTo; from < size; from += 0x10000) {
        hashRange(paths, hashes, from, Math.min(size, from + 0x10000));
        yield;
      }
      // Another build may have grown the buffer meanwhile: then this one's work is not kept.
      if (this.hashes === hashes) this.hashedUpTo = Math.max(this.hashedUpTo, size);
      return hashes;
    }
    return this.hashes;
  }
}
