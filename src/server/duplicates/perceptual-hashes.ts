import type { Catalog } from '../catalog/catalog.js';
import type { DatasetChange, DatasetSource } from '../datasets/dataset-source.js';
import type { ThumbnailHashSink } from '../media/thumbnail-service.js';
import type { PhashStore, StoredHash } from './phash-store.js';

/** An item's hash state. */
const NONE = 0;
const HASHED = 1;
/** Not decodable, or gone before it could be read: no hash, and not tried again until the file changes. */
const UNREADABLE = 2;
/** Remote bytes: not fetched for a hash; hashed when its thumbnail is first made (DU2). */
const REMOTE = 3;

export interface PerceptualHashesOptions {
  source: Pick<DatasetSource, 'catalog' | 'openItem' | 'onChange'>;
  store: PhashStore;
  /** A local file's hash (media/thumbnailer.ts `hashImage` with the thumbnail spec). */
  hash(absPath: string): Promise<bigint>;
  /** True while thumbnails wait or are being made: the background pass waits for them (a person is looking). */
  busy?(): boolean;
  /** How long to wait before looking again while `busy`. Default 25 ms. */
  backoffMs?: number;
}

export interface HashProgress {
  state: 'waiting' | 'running' | 'done';
  /** Alive items with a hash, or known to have none. */
  done: number;
  total: number;
}

/** Writes are batched: one transaction per this many hashes (or at the end of a pass). */
const BATCH = 64;
/** How many ids the first pass looks at in one turn when none needs a hash. */
const SCAN_STEP = 4096;
/** `next()` looked at a stretch of ids and found nothing to hash: not an id. */
const SKIP = -1;

/**
 * A 64-bit perceptual hash for every image (DU1): loaded from the workspace store where the file's
 * size and mtime still match, computed for the rest in the background once indexing is done (one
 * decode at a time, waiting while thumbnails are being made), or by a thumbnail's own decode when
 * one is made first (`wants`). Changed and added files are hashed again as the source reports them.
 * Hashes live in two typed arrays by catalog id, so grouping reads no objects.
 */
export class PerceptualHashes implements ThumbnailHashSink {
  hi = new Uint32Array(0);
  lo = new Uint32Array(0);
  state = new Uint8Array(0);
  /** Hashes taken from the store, decoded by the background pass, made by a thumbnail's decode (tests, the bench). */
  readonly stats = { loaded: 0, decoded: 0, fromThumbnails: 0 };
  /** Bumped whenever a hash is set or dropped: groups made before are stale. */
  generation = 0;
  private readonly queue: number[] = [];
  private readonly queued = new Set<number>();
  /**
   * The first pass walks the id space with a cursor instead of queueing every id: queueing a
   * million-row table at once stalled the event loop for over half a second and held a Set of
   * every id. The queue holds only the items changes bring.
   */
  private cursor = 0;
  private scanning = false;
  private writes: StoredHash[] = [];
  private running: Promise<void> | undefined;
  private started = false;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: PerceptualHashesOptions) {
    this.unsubscribe = options.source.onChange?.((change) => this.changed(change)) ?? (() => {});
  }

  private get catalog(): Catalog {
    return this.options.source.catalog;
  }

  /** Called once indexing is done: takes what the store has, then hashes the rest in the background. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.grow();
    const { catalog } = this;
    const stale: string[] = [];
    for (const row of this.options.store.all()) {
      const id = catalog.idOf(row.path);
      if (id === undefined || catalog.bytes[id] !== row.size || catalog.added[id] !== row.mtimeMs) {
        stale.push(row.path);
        continue;
      }
      this.set(id, row.phash);
      this.stats.loaded++;
    }
    this.options.store.removeMany(stale);
    this.cursor = 0;
    this.scanning = true;
    this.pump();
  }

  /** Whether item `id` has a hash now. */
  has(id: number): boolean {
    return id < this.state.length && this.state[id] === HASHED;
  }

  /** The item's hash, if it has one. */
  hashOf(id: number): bigint | undefined {
    return this.has(id) ? (BigInt(this.hi[id]!) << 32n) | BigInt(this.lo[id]!) : undefined;
  }

  progress(): HashProgress {
    const { catalog } = this;
    let done = 0;
    const n = Math.min(catalog.size, this.state.length);
    for (let id = 0; id < n; id++) if (catalog.alive[id] && this.state[id] !== NONE) done++;
    const state = !this.started ? 'waiting' : this.running || this.queue.length > 0 || this.scanning ? 'running' : 'done';
    return { state, done, total: catalog.aliveCount };
  }

  /** A thumbnail is about to decode item `id`: where its hash goes, when the item has none yet. */
  wants(id: number): ((phash: bigint | null) => void) | undefined {
    this.grow();
    const state = this.state[id];
    if (state === HASHED || state === UNREADABLE) return undefined;
    const { catalog } = this;
    const facts = { path: catalog.paths[id]!, size: catalog.bytes[id]!, mtimeMs: catalog.added[id]! };
    return (phash) => {
      // A hash of bytes the catalog no longer describes is dropped: the change brings its own.
      if (phash === null || this.closed || !this.sameFacts(id, facts)) return;
      this.record(id, facts, phash);
      this.stats.fromThumbnails++;
      this.flushSoon();
    };
  }

  /** Resolves once every item queued so far has been hashed (tests, the bench). */
  async whenHashed(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await this.running;
    this.flush();
    this.options.store.close();
  }

  private changed(change: DatasetChange): void {
    this.options.store.removeMany(change.removed);
    this.grow();
    const { catalog } = this;
    for (const path of [...change.added, ...change.changed]) {
      const id = catalog.idOf(path);
      if (id === undefined) continue;
      this.state[id] = NONE;
      this.generation++;
      if (this.started) this.enqueue(id);
    }
    this.pump();
  }

  private enqueue(id: number): void {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push(id);
  }

  private pump(): void {
    if (!this.started || this.running || this.closed || (this.queue.length === 0 && !this.scanning)) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  /** One image at a time, after every thumbnail asked for: hashing never stands between a person and a picture. */
  private async drain(): Promise<void> {
    const { busy, backoffMs = 25 } = this.options;
    for (let id = this.next(); id !== undefined && !this.closed; id = this.next()) {
      this.queued.delete(id);
      while (busy?.() && !this.closed) await new Promise((resolve) => setTimeout(resolve, backoffMs));
      if (id !== SKIP) await this.hashOne(id);
      if (this.writes.length >= BATCH) this.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.flush();
  }

  /** Changed items first, then the first pass's next item without a hash (at most SCAN_STEP ids looked at per call). */
  private next(): number | undefined {
    const changed = this.queue.shift();
    if (changed !== undefined) return changed;
    const { catalog } = this;
    const end = Math.min(catalog.size, this.cursor + SCAN_STEP);
    while (this.scanning && this.cursor < catalog.size) {
      const id = this.cursor++;
      if (catalog.alive[id] && this.state[id] === NONE && !this.queued.has(id)) return id;
      // Nothing to hash in this stretch: give the loop back, and go on from here next turn.
      if (this.cursor >= end) return this.cursor < catalog.size ? SKIP : undefined;
    }
    this.scanning = false;
    return undefined;
  }

  private async hashOne(id: number): Promise<void> {
    const { catalog } = this;
    if (!catalog.alive[id] || this.state[id] !== NONE) return;
    const facts = { path: catalog.paths[id]!, size: catalog.bytes[id]!, mtimeMs: catalog.added[id]! };
    let phash: bigint | null;
    try {
      const bytes = await this.options.source.openItem(id);
      if (bytes.kind !== 'file') {
        this.state[id] = REMOTE;
        return;
      }
      phash = await this.options.hash(bytes.absPath);
      this.stats.decoded++;
    } catch {
      phash = null; // unreadable now: tried again when the file changes
    }
    if (this.sameFacts(id, facts)) this.record(id, facts, phash);
  }

  private record(id: number, facts: { path: string; size: number; mtimeMs: number }, phash: bigint | null): void {
    this.set(id, phash);
    this.writes.push({ ...facts, phash });
  }

  private set(id: number, phash: bigint | null): void {
    this.generation++;
    if (phash === null) {
      this.state[id] = UNREADABLE;
      return;
    }
    this.hi[id] = Number(phash >> 32n);
    this.lo[id] = Number(phash & 0xffffffffn);
    this.state[id] = HASHED;
  }

  private sameFacts(id: number, facts: { path: string; size: number; mtimeMs: number }): boolean {
    const { catalog } = this;
    return catalog.alive[id] === 1 && catalog.paths[id] === facts.path && catalog.bytes[id] === facts.size && catalog.added[id] === facts.mtimeMs;
  }

  /** Hashes from thumbnails arrive between passes: written with the next batch, or on their own shortly. */
  private flushTimer: NodeJS.Timeout | undefined;
  private flushSoon(): void {
    if (this.running || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (!this.closed) this.flush();
    }, 1000);
    this.flushTimer.unref();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const writes = this.writes;
    this.writes = [];
    this.options.store.putMany(writes);
    this.options.store.persist();
  }

  /** The arrays follow the catalog's id space. */
  private grow(): void {
    const need = this.catalog.size;
    if (need <= this.state.length) return;
    const size = Math.max(need, this.state.length * 2, 1024);
    const hi = new Uint32Array(size);
    hi.set(this.hi);
    const lo = new Uint32Array(size);
    lo.set(this.lo);
    const state = new Uint8Array(size);
    state.set(this.state);
    this.hi = hi;
    this.lo = lo;
    this.state = state;
  }
}
