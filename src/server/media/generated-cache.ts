import { close, open, write } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { ByteLru } from '../lib/byte-lru.js';
import { Limiter } from '../lib/limiter.js';
import type { Logger } from '../lib/logger.js';
import type { Workspace } from '../workspace.js';

export class AbortedError extends Error {
  constructor() {
    super('client went away');
    this.name = 'AbortError';
  }
}

/** One generation that concurrent requests share. */
interface Job {
  promise: Promise<Buffer>;
  waiters: number;
  cancel(): void;
}

export interface GeneratedCacheOptions {
  /** Keep generated bodies on disk, at `diskPath(key)` in the workspace. */
  diskCache: boolean;
  /** Bytes of hot bodies kept in memory. */
  memoryBytes: number;
  /** Generations run at once (each is one sharp pipeline on the libuv pool). */
  concurrency: number;
  diskPath(key: string): string;
  /** Names the cache in the one log line when its disk part is turned off ("thumbnail"). */
  label: string;
}

/**
 * Memory LRU → disk cache → a bounded generation queue, for images made from the sources
 * (thumbnails, renditions). Concurrent requests for one key share a job; a job whose every
 * requester has gone is dropped before it starts. Newest requests go first (LIFO): the images on
 * screen now matter more than those a scroll or a closed pane already left.
 */
export class GeneratedCache {
  private readonly memory: ByteLru;
  private readonly queue: Limiter;
  private readonly inflight = new Map<string, Job>();
  private diskFailed = false;
  /** Shard folders known to exist: saves a mkdir per write. */
  private readonly folders = new Set<string>();

  constructor(
    private readonly workspace: Workspace,
    private readonly options: GeneratedCacheOptions,
    private readonly log?: Logger,
  ) {
    this.memory = new ByteLru(options.memoryBytes);
    this.queue = new Limiter(options.concurrency, 'lifo');
  }

  /** The body for `key`: from memory, from disk, or made by `make` in the queue. */
  async get(key: string, make: () => Promise<Buffer>, signal?: AbortSignal): Promise<Buffer> {
    const hot = this.memory.get(key);
    if (hot) return hot;
    let job = this.inflight.get(key);
    if (!job) {
      job = this.startJob(key, make);
      this.inflight.set(key, job);
      const forget = () => this.inflight.delete(key);
      job.promise.then(forget, forget);
    }
    job.waiters++;
    return waitFor(job, signal);
  }

  stats(): { memoryBytes: number; memoryItems: number; queued: number; active: number } {
    return { memoryBytes: this.memory.bytes, memoryItems: this.memory.size, queued: this.queue.pending, active: this.queue.active };
  }

  private startJob(key: string, make: () => Promise<Buffer>): Job {
    let cancelled = false;
    let queued: { cancel(): boolean } | undefined;
    let settle!: { resolve: (b: Buffer) => void; reject: (e: unknown) => void };
    const promise = new Promise<Buffer>((resolve, reject) => (settle = { resolve, reject }));
    promise.catch(() => {}); // waiters handle it; this only keeps a dropped job from being "unhandled"

    const generate = async () => {
      try {
        const body = await make();
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

  private async readDisk(key: string): Promise<Buffer | undefined> {
    if (!this.options.diskCache) return undefined;
    return readFile(this.options.diskPath(key)).catch(() => undefined);
  }

  private async writeDisk(key: string, body: Buffer): Promise<void> {
    if (!this.options.diskCache || this.diskFailed) return;
    const path = this.options.diskPath(key);
    // Temp name + rename: a reader never sees a half-written file.
    const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      const folder = dirname(path);
      if (!this.folders.has(folder)) {
        await this.workspace.ensure();
        await mkdir(folder, { recursive: true });
        this.folders.add(folder);
      }
      await writeWhole(temp, body);
      await rename(temp, path);
    } catch (error) {
      // A read-only or full disk must not break browsing: keep serving from memory.
      this.diskFailed = true;
      this.log?.warn({ err: error }, `${this.options.label} disk cache disabled`);
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
async function writeWhole(path: string, body: Buffer): Promise<void> {
  const fd = await openFd(path, 'w');
  try {
    let offset = 0;
    while (offset < body.length) offset += (await writeFd(fd, body, offset, body.length - offset, null)).bytesWritten;
  } finally {
    await closeFd(fd);
  }
}

/** Waits for a shared job; leaving (abort) releases this requester's claim on it. */
function waitFor(job: Job, signal: AbortSignal | undefined): Promise<Buffer> {
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
