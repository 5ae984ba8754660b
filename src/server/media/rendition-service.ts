import { createHash } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteLru } from '../lib/byte-lru.js';
import { Limiter } from '../lib/limiter.js';
import type { Logger } from '../lib/logger.js';
import type { Workspace } from '../workspace.js';
import { makeRendition, renditionEdge, renditionTypeOf, type Rendition } from './renditioner.js';
import { AbortedError, type Job, type ThumbnailSource, waitFor, writeWhole } from './thumbnail-service.js';

export interface RenditionOptions {
  /** Keep renditions in `<workspace>/thumbs/previews/`. */
  diskCache: boolean;
  /** Bytes of hot renditions kept in memory. */
  memoryBytes: number;
  /** Renditions generated at once (each decodes a whole original, if at reduced scale). */
  concurrency: number;
  quality: number;
}

/**
 * Screen-sized renditions (`GET /preview`, media/SPEC.md RN…): what the compare panes and the
 * viewer show before, or instead of, a large original. Built like ThumbnailService: memory LRU →
 * disk cache → a bounded queue of its own (a grid full of thumbnails must not hold up the compare
 * view, nor the reverse); concurrent requests share a job, and a job nobody waits for is dropped.
 */
export class RenditionService {
  private readonly memory: ByteLru;
  private readonly queue: Limiter;
  private readonly inflight = new Map<string, Job>();
  private diskFailed = false;

  constructor(
    private readonly source: ThumbnailSource,
    private readonly workspace: Workspace,
    private readonly options: RenditionOptions,
    private readonly log?: Logger,
  ) {
    this.memory = new ByteLru(options.memoryBytes);
    // Newest first, like thumbnails: the panes just opened matter more than ones already left.
    this.queue = new Limiter(options.concurrency, 'lifo');
  }

  /**
   * The cache key (and ETag) of item `id`'s rendition for a width of `px`: the item's identity,
   * size and mtime (its media stamp), the rendition edge and quality. No I/O.
   */
  keyOf(id: number, px: number): string {
    const edge = renditionEdge(px);
    const c = this.source.catalog;
    const identity = c.sources[id] ?? c.paths[id]!;
    return createHash('sha1').update(`rendition|${identity}|${c.bytes[id]}|${c.added[id]}|${edge}|${this.options.quality}`).digest('hex');
  }

  /** The rendition of item `id` for a width of `px` (rounded up to a rendition edge). */
  async get(id: number, px: number, signal?: AbortSignal): Promise<Rendition & { key: string }> {
    const edge = renditionEdge(px);
    const key = this.keyOf(id, px);
    const hot = this.memory.get(key);
    if (hot) return { body: hot, type: renditionTypeOf(hot), key };
    let job = this.inflight.get(key);
    if (!job) {
      job = this.startJob(id, edge, key);
      this.inflight.set(key, job);
      const forget = () => this.inflight.delete(key);
      job.promise.then(forget, forget);
    }
    job.waiters++;
    const body = await waitFor(job, signal);
    return { body, type: renditionTypeOf(body), key };
  }

  stats(): { memoryBytes: number; memoryItems: number; queued: number; active: number } {
    return { memoryBytes: this.memory.bytes, memoryItems: this.memory.size, queued: this.queue.pending, active: this.queue.active };
  }

  private startJob(id: number, edge: number, key: string): Job {
    let cancelled = false;
    let queued: { cancel(): boolean } | undefined;
    let settle!: { resolve: (b: Buffer) => void; reject: (e: unknown) => void };
    const promise = new Promise<Buffer>((resolve, reject) => (settle = { resolve, reject }));
    promise.catch(() => {}); // waiters handle it; this only keeps a dropped job from being "unhandled"

    const generate = async () => {
      try {
        const item = await this.source.openItem(id);
        const input = item.kind === 'file' ? item.absPath : await item.read();
        const { body } = await makeRendition(input, edge, this.options.quality);
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

  private get dir(): string {
    return join(this.workspace.thumbsDir, 'previews');
  }

  private async readDisk(key: string): Promise<Buffer | undefined> {
    if (!this.options.diskCache) return undefined;
    return readFile(join(this.dir, key.slice(0, 2), key)).catch(() => undefined);
  }

  private async writeDisk(key: string, body: Buffer): Promise<void> {
    if (!this.options.diskCache || this.diskFailed) return;
    const shard = join(this.dir, key.slice(0, 2));
    const path = join(shard, key);
    // Temp name + rename: a reader never sees a half-written rendition.
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await this.workspace.ensure();
      await mkdir(shard, { recursive: true });
      await writeWhole(temp, body);
      await rename(temp, path);
    } catch (error) {
      // A read-only or full disk must not break viewing: keep serving from memory.
      this.diskFailed = true;
      this.log?.warn({ err: error }, 'rendition disk cache disabled');
    }
  }
}
