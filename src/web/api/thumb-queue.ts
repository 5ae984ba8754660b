/**
 * A bounded, cancellable thumbnail loader. At most `maxInFlight` requests run at once; queued
 * requests closest to the visible index range go first; a request nobody waits for any more is
 * dropped from the queue or aborted in flight, and `cancelAll()` clears everything when the
 * user navigates away. Loaded thumbnails are kept as object URLs in an LRU that never evicts one
 * still on screen. React-free so the scheduling rules are unit-tested.
 */
export type ThumbListener = (objectUrl: string | null) => void;

export interface ThumbQueueOptions {
  maxInFlight?: number;
  cacheSize?: number;
  fetchBlob?: (url: string, signal: AbortSignal) => Promise<Blob>;
  createUrl?: (blob: Blob) => string;
  revokeUrl?: (objectUrl: string) => void;
}

interface Job {
  url: string;
  index: number;
  listeners: Set<ThumbListener>;
  controller: AbortController | null;
}

interface Entry {
  objectUrl: string;
  refs: number;
}

async function defaultFetchBlob(url: string, signal: AbortSignal): Promise<Blob> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`thumbnail ${response.status}`);
  return response.blob();
}

export class ThumbQueue {
  private readonly maxInFlight: number;
  private readonly cacheSize: number;
  private readonly fetchBlob: (url: string, signal: AbortSignal) => Promise<Blob>;
  private readonly createUrl: (blob: Blob) => string;
  private readonly revokeUrl: (objectUrl: string) => void;
  private readonly queued = new Map<string, Job>();
  private readonly running = new Map<string, Job>();
  private readonly cache = new Map<string, Entry>();
  private viewFirst = 0;
  private viewLast = -1;

  constructor(options: ThumbQueueOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 6;
    this.cacheSize = options.cacheSize ?? 1500;
    this.fetchBlob = options.fetchBlob ?? defaultFetchBlob;
    this.createUrl = options.createUrl ?? ((blob) => URL.createObjectURL(blob));
    this.revokeUrl = options.revokeUrl ?? ((u) => URL.revokeObjectURL(u));
  }

  /** A loaded thumbnail, without waiting or taking a reference (for the viewer's placeholder). */
  peek(url: string): string | undefined {
    return this.cache.get(url)?.objectUrl;
  }

  /** Tells the queue which item indices are on screen; those load first. */
  setViewport(first: number, last: number): void {
    this.viewFirst = first;
    this.viewLast = last;
  }

  /**
   * Asks for a thumbnail. `listener` is called once with an object URL (synchronously when it is
   * cached) or null on failure. The returned function must be called when the thumbnail is no
   * longer shown: it releases the cache reference or cancels the request.
   */
  request(url: string, index: number, listener: ThumbListener): () => void {
    const cached = this.cache.get(url);
    if (cached) {
      cached.refs++;
      this.touch(url, cached);
      listener(cached.objectUrl);
      return this.releaser(url);
    }
    let job = this.queued.get(url) ?? this.running.get(url);
    if (!job) {
      job = { url, index, listeners: new Set(), controller: null };
      this.queued.set(url, job);
    }
    job.index = index;
    // A wrapper so the same function can be registered twice and removed once.
    let delivered = false;
    const wrapped: ThumbListener = (objectUrl) => {
      delivered = objectUrl !== null;
      listener(objectUrl);
    };
    job.listeners.add(wrapped);
    this.pump();
    const current = job;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (delivered) return this.release(url);
      current.listeners.delete(wrapped);
      if (current.listeners.size === 0) this.abandon(current);
    };
  }

  /** Navigation: abort everything in flight and drop the queue. Cached thumbnails stay. */
  cancelAll(): void {
    for (const job of this.queued.values()) job.listeners.clear();
    this.queued.clear();
    for (const job of this.running.values()) {
      job.listeners.clear();
      job.controller?.abort();
    }
    this.running.clear();
  }

  stats(): { queued: number; inFlight: number; cached: number } {
    return { queued: this.queued.size, inFlight: this.running.size, cached: this.cache.size };
  }

  private releaser(url: string): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.release(url);
    };
  }

  private release(url: string): void {
    const entry = this.cache.get(url);
    if (entry && entry.refs > 0) entry.refs--;
    this.evict();
  }

  private abandon(job: Job): void {
    if (this.queued.delete(job.url)) return;
    if (this.running.get(job.url) === job) {
      this.running.delete(job.url);
      job.controller?.abort();
      this.pump();
    }
  }

  private distance(index: number): number {
    if (index < this.viewFirst) return this.viewFirst - index;
    if (index > this.viewLast) return index - this.viewLast;
    return 0;
  }

  private pump(): void {
    while (this.running.size < this.maxInFlight && this.queued.size > 0) {
      let best: Job | null = null;
      let bestDistance = Infinity;
      for (const job of this.queued.values()) {
        const d = this.distance(job.index);
        if (d < bestDistance) {
          best = job;
          bestDistance = d;
          if (d === 0) break;
        }
      }
      if (!best) return;
      this.queued.delete(best.url);
      this.start(best);
    }
  }

  private start(job: Job): void {
    const controller = new AbortController();
    job.controller = controller;
    this.running.set(job.url, job);
    this.fetchBlob(job.url, controller.signal).then(
      (blob) => {
        if (controller.signal.aborted || this.running.get(job.url) !== job) return;
        this.running.delete(job.url);
        const objectUrl = this.createUrl(blob);
        this.cache.set(job.url, { objectUrl, refs: job.listeners.size });
        for (const listener of [...job.listeners]) listener(objectUrl);
        this.evict();
        this.pump();
      },
      () => {
        if (this.running.get(job.url) !== job) return;
        this.running.delete(job.url);
        for (const listener of [...job.listeners]) listener(null);
        this.pump();
      },
    );
  }

  private touch(url: string, entry: Entry): void {
    this.cache.delete(url);
    this.cache.set(url, entry);
  }

  private evict(): void {
    if (this.cache.size <= this.cacheSize) return;
    for (const [url, entry] of this.cache) {
      if (this.cache.size <= this.cacheSize) break;
      if (entry.refs > 0) continue;
      this.cache.delete(url);
      this.revokeUrl(entry.objectUrl);
    }
  }
}
