import { readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import type { AsyncSubscription, Event, Options, SubscribeCallback } from '@parcel/watcher';
import type { WatchStatus } from './dataset-source.js';
import type { FsEventType } from './scan-changes.js';

/** `@parcel/watcher`'s subscribe; tests pass one that fails to exercise the fallback. */
export type Subscribe = (dir: string, callback: SubscribeCallback, options: Options) => Promise<AsyncSubscription>;

/** Parcel's native module loads with the first watch, after the server answers. */
const parcelSubscribe: Subscribe = async (dir, callback, options) => (await import('@parcel/watcher')).subscribe(dir, callback, options);

export interface TreeWatcherOptions {
  rootReal: string;
  /** Real paths never watched (the workspace). */
  skipReal: readonly string[];
  log: (line: string) => void;
  rescanMs: number;
  /** Applies one coalesced batch (absolute path → what happened); resolves once the catalog holds it. */
  apply(events: Map<string, FsEventType>): Promise<void>;
  /** A rescan of the whole tree: the fallback when watching is impossible. */
  rescan(): Promise<void>;
  subscribe?: Subscribe;
}

/** Quiet time that closes a burst (parcel batches too, but a `mv` of many files spans several of its batches). */
const DEBOUNCE_MS = 100;
/** A burst that never goes quiet is still applied this often. */
const MAX_WAIT_MS = 500;
/** Hidden entries anywhere below the watched folder: never listed, so never watched (fewer kernel watches). */
const HIDDEN = /(^|\/)\./;

/**
 * Watches a folder tree with @parcel/watcher and hands coalesced batches of events to `apply`.
 *
 * Parcel's Linux backend watches a folder that appears (created, or renamed into place) but not the
 * folders inside it, and keeps reporting a renamed folder's subfolders under their old paths. So a
 * new folder with subfolders gets a subscription of its own, which walks and watches all of them;
 * the stale paths are harmless because `apply` asks the disk about every path it is given.
 *
 * When watching fails (the kernel's inotify watch limit, no inotify instance left, an unreadable
 * folder in the initial crawl, or an error reported later), it logs one line and rescans the whole
 * tree every `rescanMs` instead.
 */
export class TreeWatcher {
  private status: WatchStatus = { kind: 'off' };
  private root: AsyncSubscription | undefined;
  /** Subscriptions for folders that appeared after the root's, by absolute path. */
  private readonly nested = new Map<string, AsyncSubscription>();
  private pending = new Map<string, FsEventType>();
  private firstPendingAt = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private applying: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly subscribe: Subscribe;
  private readonly parcelOptions: Options;

  constructor(private readonly options: TreeWatcherOptions) {
    this.subscribe = options.subscribe ?? parcelSubscribe;
    this.parcelOptions = { ignore: [...options.skipReal, HIDDEN] };
  }

  get state(): WatchStatus {
    return this.status;
  }

  async start(): Promise<WatchStatus> {
    try {
      this.root = await this.subscribe(this.options.rootReal, this.onEvents, this.parcelOptions);
      if (this.closed) await this.release(this.root);
      else this.status = { kind: 'watching' };
    } catch (error) {
      this.fallBack(error, false);
    }
    return this.status;
  }

  /** Resolves once every batch received so far has been applied (tests and the bench wait on it). */
  async settled(): Promise<void> {
    while (this.pending.size || this.flushTimer) {
      this.flush();
      await this.applying;
    }
    await this.applying;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.status = { kind: 'off' };
    clearTimeout(this.flushTimer);
    clearTimeout(this.rescanTimer);
    this.flushTimer = this.rescanTimer = undefined;
    this.pending.clear();
    await this.releaseAll();
  }

  private readonly onEvents: SubscribeCallback = (error, events) => {
    if (this.closed || this.status.kind !== 'watching') return;
    if (error) {
      this.fallBack(error, true);
      return;
    }
    this.add(events);
  };

  private add(events: Event[]): void {
    if (!events.length) return;
    if (!this.pending.size) this.firstPendingAt = Date.now();
    for (const { path, type } of events) {
      // A folder created and then updated within the burst still needs its walk.
      if (this.pending.get(path) !== 'create' || type === 'delete') this.pending.set(path, type);
    }
    clearTimeout(this.flushTimer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, this.firstPendingAt + MAX_WAIT_MS - Date.now()));
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.size || this.closed) return;
    const batch = this.pending;
    this.pending = new Map();
    this.applying = this.applying
      .then(async () => {
        await this.followFolders(batch);
        if (!this.closed) await this.options.apply(batch);
      })
      .catch((error: unknown) => process.emitWarning(`watching ${this.options.rootReal}: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * Subscribes to each new folder that holds folders (see the class comment), before `apply`
   * walks it, so nothing written meanwhile is missed; drops the subscriptions of folders gone.
   */
  private async followFolders(batch: Map<string, FsEventType>): Promise<void> {
    for (const [abs, type] of batch) {
      if (type === 'delete') {
        for (const [dir, subscription] of this.nested) {
          if (dir === abs || dir.startsWith(abs + sep)) {
            this.nested.delete(dir);
            await this.release(subscription);
          }
        }
        continue;
      }
      if (type !== 'create' || this.nested.has(abs) || !(await holdsFolders(abs))) continue;
      try {
        this.nested.set(abs, await this.subscribe(abs, this.onEvents, this.parcelOptions));
      } catch (error) {
        // Gone again already, or no watch left: the latter is the root's failure too.
        if (!/ENOENT|no such file/i.test(String(error))) this.fallBack(error, true);
      }
    }
  }

  private fallBack(error: unknown, wasWatching: boolean): void {
    if (this.closed || this.status.kind === 'rescanning') return;
    const reason = describeFailure(error);
    const seconds = Math.round(this.options.rescanMs / 100) / 10;
    this.status = { kind: 'rescanning', reason };
    this.options.log(`lenslet: can't watch ${this.options.rootReal} (${reason}); rescanning every ${seconds} s instead`);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending.clear();
    void this.releaseAll();
    // Events may have been lost between the failure and now: look once at once.
    if (wasWatching) this.rescanSoon(0);
    else this.rescanSoon(this.options.rescanMs);
  }

  private rescanSoon(ms: number): void {
    this.rescanTimer = setTimeout(() => {
      this.applying = this.applying
        .then(() => this.options.rescan())
        .catch((error: unknown) => process.emitWarning(`rescanning ${this.options.rootReal}: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          if (!this.closed) this.rescanSoon(this.options.rescanMs);
        });
    }, ms);
    this.rescanTimer.unref();
  }

  private async releaseAll(): Promise<void> {
    const all = [this.root, ...this.nested.values()];
    this.root = undefined;
    this.nested.clear();
    for (const subscription of all) await this.release(subscription);
  }

  private async release(subscription: AsyncSubscription | undefined): Promise<void> {
    // Parcel fails to remove a kernel watch the kernel already dropped (its folder was deleted).
    await subscription?.unsubscribe().catch(() => {});
  }
}

async function holdsFolders(abs: string): Promise<boolean> {
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
  return entries.some((entry) => entry.isDirectory() && !entry.name.startsWith('.'));
}

/** The log line's reason, in words a user can act on. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOSPC|no space left|max_user_watches/i.test(message)) return "the kernel's inotify watch limit, fs.inotify.max_user_watches, is reached";
  if (/EMFILE|too many open files|max_user_instances/i.test(message))
    return "the kernel's limit on inotify instances or open files (fs.inotify.max_user_instances, ulimit -n) is reached";
  return message;
}
