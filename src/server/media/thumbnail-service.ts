import { createHash } from 'node:crypto';
import { close, open, write } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { ByteLru } from '../lib/byte-lru.js';
import { Limiter } from '../lib/limiter.js';
import type { Logger } from '../lib/logger.js';
import type { Workspace } from '../workspace.js';
import type { ImageBytes } from './image-bytes.js';
import { makeThumbnail, makeThumbnailAndHash, type ThumbnailSpec } from './thumbnailer.js';

export interface ThumbnailOptions extends ThumbnailSpec {
  /** Keep generated thumbnails in `<workspace>/thumbs/`. */
  diskCache: boolean;
  /** Bytes of hot thumbnails kept in memory. */
  memoryBytes: number;
  /** Thumbnails generated at once (each is one sharp pipeline on the libuv pool). */
  concurrency: number;
}

export class AbortedError extends Error {
  constructor() {
    super('client went away');
    this.name = 'AbortError';
  }
}

/** What thumbnails need from a dataset: identity fields for the key, and the bytes. */
export interface ThumbnailSource {
  readonly catalog: Pick<Catalog, 'sources' | 'paths' | 'bytes' | 'added'>;
  openItem(id: number): Promise<ImageBytes>;
}

/**
 * Who wants an item's perceptual hash (duplicates/): a thumbnail being made for an item without one
 * computes it from the same decode. `wants` answers where the hash goes, or undefined.
 */
export interface ThumbnailHashSink {
  wants(id: number): ((phash: bigint | null) => void) | undefined;
}

/** One generation that concurrent requests share (renditions reuse it). */
export interface Job {
  promise: Promise<Buffer>;
  waiters: number;
  cancel(): void;
}

/**
 * Memory LRU → disk cache → bounded generation queue. Concurrent requests for one image share
 * a job; a job whose every requester has gone is dropped before it starts.
 */
export class ThumbnailService {
  private readonly memory: ByteLru;
  private readonly queue: Limiter;
  private readonly inflight = new Map<string, Job>();
  private diskFailed = false;
  /** Shard folders known to exist: saves a mkdir per write. */
  private readonly shards = new Set<string>();
  private hashSink: ThumbnailHashSink | undefined;

  constructor(
    private readonly source: ThumbnailSource,
    private readonly workspace: Workspace,
    private readonly options: ThumbnailOptions,
    private readonly log?: Logger,
  ) {
    this.memory = new ByteLru(options.memoryBytes);
    this.queue = new Limiter(options.concurrency, 'lifo');
  }

  /**
   * The cache key: item identity, size, mtime and thumbnail settings, so a changed source or
   * a different --thumb-size gets a new thumbnail. Cheap: no I/O.
   */
  keyOf(id: number): string {
    const c = this.source.catalog;
    const identity = c.sources[id] ?? c.paths[id]!;
    return createHash('sha1')
      .update(`${identity}|${c.bytes[id]}|${c.added[id]}|${this.options.size}|${this.options.quality}`)
      .digest('hex');
  }

  /** Hashes go there from now on (set once the duplicates service exists). */
  shareDecodesWith(sink: ThumbnailHashSink): void {
    this.hashSink = sink;
  }

  async get(id: number, signal?: AbortSignal): Promise<{ body: Buffer; key: string }> {
    const key = this.keyOf(id);
    const hot = this.memory.get(key);
    if (hot) return { body: hot, key };
    let job = this.inflight.get(key);
    if (!job) {
      job = this.startJob(id, key);
      this.inflight.set(key, job);
      const started = job;
      started.promise.then(
        () => this.inflight.delete(key),
        () => this.inflight.delete(key),
      );
    }
    job.waiters++;
    const body = await waitFor(job, signal);
    return { body, key };
  }

  stats(): { memoryBytes: number; memoryItems: number; queued: number; active: number } {
    return { memoryBytes: this.memory.bytes, memoryItems: this.memory.size, queued: this.queue.pending, active: this.queue.active };
  }

  private startJob(id: number, key: string): Job {
    let cancelled = false;
    let queued: { cancel(): boolean } | undefined;
    let settle!: { resolve: (b: Buffer) => void; reject: (e: unknown) => void };
    const promise = new Promise<Buffer>((resolve, reject) => (settle = { resolve, reject }));
    promise.catch(() => {}); // waiters handle it; this only keeps a dropped job from being "unhandled"

    const generate = async () => {
      try {
        const item = await this.source.openItem(id);
        const input = item.kind === 'file' ? item.absPath : await item.read();
        const hashTo = this.hashSink?.wants(id);
        let body: Buffer;
        if (hashTo) {
          const made = await makeThumbnailAndHash(input, this.options);
          hashTo(made.phash);
          body = made.body;
        } else body = await makeThumbnail(input, this.options);
        this.memory.set(key, body);
        settle.resolve(body);
        void this.writeDisk(key, body);
      } catch (error) {
        settle.reject(error);
      }
    };

    void (async () => {
      const cached = await this.readDisk(key);
      if (cached) {
        this.memory.set(key, cached);
        return settle.resolve(cached);
      }
      if (cancelled) return settle.reject(new AbortedError());
      queued = this.queue.push(generate);
    })();

    return {
      promise,
      waiters: 0,
      cancel: () => {
        cancelled = true;
        if (queued?.cancel()) settle.reject(new AbortedError());
      },
    };
  }

  private diskPath(key: string): string {
    return join(this.workspace.thumbsDir, key.slice(0, 2), `${key}.webp`);
  }

  private async readDisk(key: string): Promise<Buffer | undefined> {
    if (!this.options.diskCache) return undefined;
    return readFile(this.diskPath(key)).catch(() => undefined);
  }

  private async writeDisk(key: string, body: Buffer): Promise<void> {
    if (!this.options.diskCache || this.diskFailed) return;
    const path = this.diskPath(key);
    // Temp name + rename: a reader never sees a half-written thumbnail.
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      const shard = key.slice(0, 2);
      if (!this.shards.has(shard)) {
        await this.workspace.ensure();
        await mkdir(join(this.workspace.thumbsDir, shard), { recursive: true });
        this.shards.add(shard);
      }
      await writeWhole(temp, body);
      await rename(temp, path);
    } catch (error) {
      // A read-only or full disk must not break browsing: keep serving from memory.
      this.diskFailed = true;
      this.log?.warn({ err: error }, 'thumbnail disk cache disabled');
    }
  }
}

const openFd = promisify(open);
const writeFd = promisify(write);
const closeFd = promisify(close);

/**
 * fs.promises.writeFile goes through a FileHandle and costs ~40% more CPU per small file than
 * plain open/write/close; at hundreds of thumbnails a second that shows.
 */
export async function writeWhole(path: string, body: Buffer): Promise<void> {
  const fd = await openFd(path, 'w');
  try {
    let offset = 0;
    while (offset < body.length) offset += (await writeFd(fd, body, offset, body.length - offset, null)).bytesWritten;
  } finally {
    await closeFd(fd);
  }
}

/** Waits for a shared job; leaving (abort) releases this requester's claim on it. */
export function waitFor(job: Job, signal: AbortSignal | undefined): Promise<Buffer> {
  if (!signal) return job.promise;
  if (signal.aborted) {
    release(job);
    return Promise.reject(new AbortedError());
  }
  return new Promise<Buffer>((resolve, reject) => {
    const onAbort = () => {
      release(job);
      reject(new AbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    job.promise.then(
      (body) => {
        signal.removeEventListener('abort', onAbort);
        resolve(body);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function release(job: Job): void {
  job.waiters--;
  if (job.waiters === 0) job.cancel();
}
