import { constants } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parentPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import { Catalog } from '../catalog/catalog.js';
import type { DatasetChange, DatasetSource, IndexProgress, ItemBytes, PathLookup, RefreshResult, WatchOptions, WatchStatus } from './dataset-source.js';
import { DiskLookup } from './disk-lookup.js';
import { runScan } from './folder-scanner.js';
import { type Subscribe, TreeWatcher } from './fs-watcher.js';
import { realpathOfMaybeMissing } from './inside-root.js';
import { FolderOpenError } from './open-errors.js';
import { applyEvents, ChangeLog, type FsEventType } from './scan-changes.js';
import { inTree, type TreeBounds } from './visible-tree.js';

export interface FolderSourceOptions {
  /** Folders never listed (the workspace when it sits inside the root). */
  skipDirs?: string[];
  /** What `watch` subscribes with (default @parcel/watcher's); tests inject failures. */
  subscribe?: Subscribe;
}

const DEFAULT_RESCAN_MS = 30_000;

/** Thrown when the folder to serve can't be used (open-errors.ts). */
export { FolderOpenError };

/** A directory of images, indexed in the background by a worker thread. */
export class FolderSource implements DatasetSource {
  readonly mode = 'folder' as const;
  readonly catalog = new Catalog();
  readonly name: string;
  private progressState: IndexProgress;
  private queue: Promise<unknown> = Promise.resolve();
  private cancelScan: (() => void) | undefined;
  private closed = false;
  /** Folders listed through a link (key → canonical path), so a refresh elsewhere does not list them again. */
  private claims = new Map<string, string>();
  private readonly disk: DiskLookup;
  private readonly listeners = new Set<(change: DatasetChange) => void>();
  /** The initial indexing has finished: from then on every change is reported. */
  private indexed = false;
  private watcher: TreeWatcher | undefined;

  private constructor(
    readonly root: string,
    private readonly rootReal: string,
    private readonly skipReal: string[],
    private readonly subscribe: Subscribe | undefined,
  ) {
    this.disk = new DiskLookup(rootReal, skipReal);
    this.name = basename(rootReal) || rootReal;
    this.progressState = { state: 'running', done: 0, total: 0, scanned: 0, startedAt: Date.now(), scannedAt: null, finishedAt: null };
  }

  /** Checks that `root` is a readable folder; does not start indexing. */
  static async open(root: string, options: FolderSourceOptions = {}): Promise<FolderSource> {
    let rootReal: string;
    try {
      rootReal = await realpath(root);
    } catch {
      throw new FolderOpenError(`folder not found: ${root}`);
    }
    const info = await stat(rootReal);
    if (!info.isDirectory()) throw new FolderOpenError(`not a folder: ${root}`);
    try {
      await access(rootReal, constants.R_OK | constants.X_OK);
      await readdir(rootReal);
    } catch {
      throw new FolderOpenError(`folder is not readable: ${root}`);
    }
    const skipReal: string[] = [];
    for (const dir of options.skipDirs ?? []) {
      // The workspace may not exist yet; then its would-be path is what to skip.
      skipReal.push(await realpathOfMaybeMissing(dir));
    }
    return new FolderSource(rootReal, rootReal, skipReal, options.subscribe);
  }

  start(): void {
    this.queue = this.queue
      .then(() => this.scan('/', true))
      .then(() => {
        this.indexed = true;
      })
      .catch((error: unknown) => {
        // The worker itself failed (not a single unreadable file, which it skips): say so once.
        process.emitWarning(`indexing failed: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  progress(): IndexProgress {
    const p = this.progressState;
    if (p.state === 'done') return { ...p, done: this.catalog.aliveCount, total: this.catalog.aliveCount };
    return { ...p };
  }

  async whenIdle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.queue;
      await seen.catch(() => {});
    } while (seen !== this.queue);
  }

  refresh(path: string): Promise<RefreshResult> {
    return this.enqueue(async () => {
      const log = new ChangeLog();
      try {
        return await this.scan(path, false, log);
      } finally {
        this.report(log);
      }
    });
  }

  onChange(listener: (change: DatasetChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Watches the tree (SPEC.md DS20–DS27); a second call returns the first one's status. */
  async watch(options: WatchOptions): Promise<WatchStatus> {
    if (this.closed) return { kind: 'off' };
    if (this.watcher) return this.watcher.state;
    this.watcher = new TreeWatcher({
      rootReal: this.rootReal,
      skipReal: this.skipReal,
      log: options.log,
      rescanMs: options.rescanMs ?? DEFAULT_RESCAN_MS,
      subscribe: this.subscribe,
      apply: (events) => this.applyWatched(events),
      rescan: async () => {
        await this.refresh('/');
      },
    });
    return this.watcher.start();
  }

  /** Whether the watcher runs, fell back to rescans, or is off (`watch` not called, or closed). */
  watchStatus(): WatchStatus {
    return this.watcher?.state ?? { kind: 'off' };
  }

  /** Resolves once the events the watcher has received so far are applied and reported (tests, bench). */
  async whenWatchSettled(): Promise<void> {
    await this.watcher?.settled();
    await this.whenIdle();
  }

  private applyWatched(events: Map<string, FsEventType>): Promise<void> {
    return this.enqueue(async () => {
      const log = new ChangeLog();
      const target = {
        catalog: this.catalog,
        bounds: this.bounds,
        scanSubtree: async (path: string, into: ChangeLog) => {
          // Gone again before the walk reached it: the next batch says so.
          await this.scan(path, false, into).catch(() => {});
        },
      };
      try {
        await applyEvents(target, events, log);
      } finally {
        this.report(log);
      }
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  private report(log: ChangeLog): void {
    if (log.empty || this.closed) return;
    const change = log.toChange();
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        process.emitWarning(`a dataset change listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  async lookup(path: string): Promise<PathLookup | undefined> {
    const known = this.catalog.idOf(path);
    if (known !== undefined) return { kind: 'item', id: known };
    const found = await this.disk.find(path);
    if (found?.kind === 'dir') return { kind: 'folder', dirs: found.dirs };
    if (!found) return undefined;
    const info = await stat(found.abs).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    // The scan may have reached it meanwhile. If not, it will report these same facts and find the
    // item unchanged, and a scan that does not find it at all removes it (see scan()).
    let id = this.catalog.idOf(path);
    if (id === undefined) {
      id = this.catalog.upsert({ path, type: found.type, size: info.size, addedMs: info.mtimeMs });
      // After the initial indexing nothing else would report it: the watcher will find it unchanged.
      if (this.indexed) {
        const log = new ChangeLog();
        log.add(path, 'added');
        this.report(log);
      }
    }
    return { kind: 'item', id };
  }

  async openItem(id: number): Promise<ItemBytes> {
    const path = this.catalog.paths[id];
    if (path === undefined || !this.catalog.alive[id]) throw new AppError('not_found', 'no such item');
    let real: string;
    try {
      real = await realpath(join(this.rootReal, path));
    } catch {
      throw new AppError('not_found', `file is gone: ${path}`);
    }
    // A symlink may have been changed since it was indexed: to point outside, or into the workspace.
    if (!inTree(this.bounds, real)) throw new AppError('invalid_path', 'path leaves the served folder');
    const info = await stat(real).catch(() => undefined);
    if (!info?.isFile()) throw new AppError('not_found', `file is gone: ${path}`);
    return { kind: 'file', absPath: real, size: info.size, mtimeMs: info.mtimeMs };
  }

  private get bounds(): TreeBounds {
    return { rootReal: this.rootReal, skipReal: this.skipReal };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelScan?.();
    await this.watcher?.close();
  }

  /** Walks a subtree into the catalog; `log` (absent for the initial indexing) records what changed. */
  private async scan(start: string, initial: boolean, log?: ChangeLog): Promise<RefreshResult> {
    const catalog = this.catalog;
    // Refreshing a file rescans its folder.
    if (start !== '/' && catalog.idOf(start) !== undefined) start = parentPath(start);
    const known = catalog.dirOfPath(start);
    const found = new Set<number>();
    const result: RefreshResult = { path: start, added: 0, updated: 0, removed: 0 };
    let missing = false;
    this.progressState = { state: 'running', done: 0, total: 0, scanned: 0, startedAt: Date.now(), scannedAt: null, finishedAt: null };
    const progress = this.progressState;
    if (this.closed) return result;

    const inside = (p: string) => start === '/' || p === start || p.startsWith(`${start}/`);
    const claimsElsewhere = [...this.claims].filter(([, p]) => !inside(p));
    let claimsFound: [string, string][] = [];
    const scan = runScan(
      { rootReal: this.rootReal, start, skipReal: this.skipReal, claims: claimsElsewhere },
      {
        onEntry: (path, type, size, mtimeMs) => {
          progress.scanned++;
          progress.total++;
          const id = catalog.idOf(path);
          if (id !== undefined && catalog.bytes[id] === size && catalog.added[id] === mtimeMs && catalog.typeOf(id) === type) {
            found.add(id);
            return;
          }
          if (id === undefined) result.added++;
          else result.updated++;
          log?.add(path, id === undefined ? 'added' : 'changed');
          found.add(catalog.upsert({ path, type, size, addedMs: mtimeMs }));
        },
        onScanned: (_total, isMissing, claims) => {
          missing = isMissing;
          claimsFound = claims;
          progress.scannedAt = Date.now();
        },
        onDims: (path, w, h) => {
          progress.done++;
          const id = catalog.idOf(path);
          if (id === undefined) return;
          catalog.width[id] = w;
          catalog.height[id] = h;
        },
      },
    );
    this.cancelScan = scan.cancel;
    let completed: boolean;
    try {
      completed = await scan.done;
    } finally {
      this.cancelScan = undefined;
      progress.state = 'done';
      progress.finishedAt = Date.now();
    }
    if (!completed) return result; // cancelled (shutting down): a partial walk proves nothing gone
    this.claims = new Map([...claimsElsewhere, ...claimsFound]);
    // Taken now rather than before the walk: an item lookup() added meanwhile is gone too when the walk did not find it.
    const under = catalog.dirOfPath(start);
    const gone = (under ? catalog.itemIds(under.id, true) : []).filter((id) => !found.has(id));
    catalog.removeMany(gone);
    result.removed = gone.length;
    if (log) for (const id of gone) log.add(catalog.paths[id]!, 'removed');
    if (missing && !known && !initial) throw new AppError('folder_not_found', `no such folder: ${start}`);
    return result;
  }
}
