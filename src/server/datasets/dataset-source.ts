import type { Flag } from '../../protocol/items.js';
import type { VectorColumn } from './parquet-vectors.js';
import type { TableEmbeddingRead } from './table-embeddings.js';
import type { Catalog } from '../catalog/catalog.js';

/**
 * Where a dataset's items come from. The folder source walks a directory; a table source
 * (Parquet) fills the same Catalog from rows. Routes and services only talk to this interface,
 * so thumbnails, files, metadata and listings work the same in both modes.
 */
export interface DatasetSource {
  readonly mode: 'folder' | 'table';
  /** Display name (folder or table name). */
  readonly name: string;
  /** Absolute path of the folder or table file being served. */
  readonly root: string;
  readonly catalog: Catalog;
  /**
   * A table opened after the server listens (DeferredTableSource): settles once the file is open
   * and its layout known (its id column, embedding columns). Absent: open from the start.
   */
  readonly opened?: Promise<unknown>;
  /** Starts background indexing; returns at once so the server can answer while it runs. */
  start(): void;
  progress(): IndexProgress;
  /** Resolves when the current indexing (initial or refresh) has finished. */
  whenIdle(): Promise<void>;
  /**
   * Table mode: resolves once the initial load has put every path in the catalog, before its
   * numbers (dimensions, times, metrics) are all in; a failed load resolves it too (TB9).
   */
  whenPathsIn?(): Promise<void>;
  /** Rescans the subtree at a canonical path: new, changed and removed items. Labels untouched. */
  refresh(path: string): Promise<RefreshResult>;
  /**
   * What the dataset holds at a canonical path, looked up past an index still being built (routes
   * ask while indexing runs): `item` once the image is in the catalog under that very path (a
   * folder source checks the disk and adds the image as the scan will, with the same facts);
   * `folder` with the names of its subfolders; undefined when there is nothing, or nothing the
   * source can tell before indexing ends (a table knows its paths only from its rows).
   */
  lookup(path: string): Promise<PathLookup | undefined>;
  /** Where an item's bytes are. Throws AppError (not_found, invalid_path, upstream_failed). */
  openItem(id: number): Promise<ItemBytes>;
  /**
   * Labels the dataset carries itself (a table's `tags`, `star`, `flag` and `notes` columns), read once
   * indexing is done to seed the label store. Absent when a dataset has none (folders).
   */
  labelSeeds?(): Iterable<LabelSeed>;
  /**
   * Calls `listener` after the source applied a change to its catalog outside the initial
   * indexing (a refresh, the watcher, a table file reloaded), with the canonical paths it added,
   * removed and found rewritten. Never called with an empty change. Returns an unsubscribe function.
   */
  onChange?(listener: (change: DatasetChange) => void): () => void;
  /**
   * Starts noticing changes by itself (issue 16): a folder watches its tree, a table its file.
   * Changes are applied to the catalog and reported through `onChange`. Resolves once watching
   * (or the fallback of periodic rescans) is set up; stopped by `close`.
   */
  watch?(options: WatchOptions): Promise<WatchStatus>;
  /**
   * Table mode with an id column: every alive item's stable id, as [path, id], read once indexing
   * (or a reload) is done. Absent or null for folders and tables without one.
   */
  identities?(): Iterable<[path: string, id: string]> | null;
  /** Table mode: the columns of fixed-length float vectors served as embeddings (issue 13). */
  embeddingColumns?(): readonly VectorColumn[];
  /** Reads one of them by row, on a worker, once the table is loaded (`whenIdle`). */
  readEmbedding?(name: string, onRows: (rowEnd: number) => void): Promise<TableEmbeddingRead | undefined>;
  close(): Promise<void>;
}

/** What changed in the dataset (canonical item paths); moves arrive as a removal plus an addition. */
export interface DatasetChange {
  added: string[];
  removed: string[];
  /** Same path, other bytes (size or mtime changed). */
  changed: string[];
}

export interface WatchOptions {
  /** Logs the one line saying the kernel watch limit was hit and rescans took over. */
  log: (line: string) => void;
  /** Fallback rescan period when watching is impossible. Default 30 s. */
  rescanMs?: number;
}

export type WatchStatus = { kind: 'watching' } | { kind: 'rescanning'; reason: string } | { kind: 'off' };

/** One item's labels as the dataset gives them (see `DatasetSource.labelSeeds`). */
export interface LabelSeed {
  path: string;
  tags: string[];
  star: number | null;
  flag: Flag;
  notes: string;
}

export type PathLookup = { kind: 'item'; id: number } | { kind: 'folder'; dirs: string[] };

export interface IndexProgress {
  state: 'running' | 'done';
  /** Items whose dimensions are known (or known to be unreadable). */
  done: number;
  /** Items found so far. */
  total: number;
  /** Items found by the fast scan (names + stat) so far. */
  scanned: number;
  startedAt: number;
  /** Epoch ms when the fast scan / the whole indexing finished; null while running. */
  scannedAt: number | null;
  finishedAt: number | null;
}

export interface RefreshResult {
  path: string;
  added: number;
  updated: number;
  removed: number;
}

/** An item's bytes: a local file (streamed by path) or something remote (fetched into memory). */
export type ItemBytes =
  | { kind: 'file'; absPath: string; size: number; mtimeMs: number }
  | {
      kind: 'remote';
      url: string;
      size: number | undefined;
      mtimeMs: number | undefined;
      /** A stable validator for caches (ETag of the object, or a content hash); undefined: use url. */
      etag: string | undefined;
      read(signal?: AbortSignal): Promise<Buffer>;
    };
