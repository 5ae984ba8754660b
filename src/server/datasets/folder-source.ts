import { constants } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parentPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import { Catalog } from '../catalog/catalog.js';
import type { DatasetSource, IndexProgress, ItemBytes, PathLookup, RefreshResult } from './dataset-source.js';
import { DiskLookup } from './disk-lookup.js';
import { runScan } from './folder-scanner.js';
import { realpathOfMaybeMissing } from './inside-root.js';
import { inTree, type TreeBounds } from './visible-tree.js';

export interface FolderSourceOptions {
  /** Folders never listed (the workspace when it sits inside the root). */
  skipDirs?: string[];
}

/** Thrown when the folder to serve can't be used; the CLI prints the message on one line. */
export class FolderOpenError extends Error {}

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

  private constructor(
    readonly root: string,
    private readonly rootReal: string,
    private readonly skipReal: string[],
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
    return new FolderSource(rootReal, rootReal, skipReal);
  }

  start(): void {
    this.queue = this.queue
      .then(() => this.scan('/', true))
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
    const run = this.queue.then(() => this.scan(path, false));
    this.queue = run.catch(() => {});
    return run;
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
    const id = this.catalog.idOf(path) ?? this.catalog.upsert({ path, type: found.type, size: info.size, addedMs: info.mtimeMs });
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
  }

  private async scan(start: string, initial: boolean): Promise<RefreshResult> {
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
    if (missing && !known && !initial) throw new AppError('folder_not_found', `no such folder: ${start}`);
    return result;
  }
}
