import { open as openFile, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../app-error.js';
import { Catalog } from '../catalog/catalog.js';
import { probeDimensions } from '../media/image-header.js';
import { writeAtomic } from '../lib/atomic-write.js';
import type {
  DatasetChange,
  DatasetSource,
  IndexProgress,
  ItemBytes,
  LabelSeed,
  PathLookup,
  RefreshResult,
  WatchOptions,
  WatchStatus,
} from './dataset-source.js';
import { type NumericReader, workerNumericReader } from './parquet-numeric.js';
import { openParquet, type ParquetTable } from './parquet-reader.js';
import { isBelow, isGuarded, realpathOfMaybeMissing } from './inside-root.js';
import { TableOpenError } from './open-errors.js';
import { applyReload } from './parquet-reload.js';
import { detectLayout, loadTable, type LoadedTable, type TableLayout } from './parquet-table.js';
import { type FileSignature, signatureOf, type TableFileWatch, watchTableFile } from './parquet-watch.js';
import { checkStatus, RemoteFetcher } from './remote-fetch.js';
import { S3Objects } from './s3-objects.js';
import { detectVectorColumns, readTableEmbedding, type TableEmbeddingRead } from './table-embeddings.js';
import type { VectorColumn } from './parquet-vectors.js';
import { localSourcePath, sourceKind } from './source-detect.js';

/**
 * Table mode: a Parquet file (or rows handed to `launch`) as a dataset. The table is read once,
 * in the background, into the shared Catalog; it is never written to. Dimensions missing from the
 * table are learned when an item's bytes are first read and kept in the workspace.
 */
export interface ParquetSourceOptions {
  /** Display name; default the table's file name without `.parquet`. */
  name?: string;
  /** Local sources resolve here and must stay inside it. Default: the table's folder. */
  baseDir?: string;
  sourceColumn?: string;
  pathColumn?: string;
  allowPrivateUrls?: boolean;
  /**
   * Lenslet's own files (the workspace folder, a views file beside the table): a row naming one of
   * them, directly or through a link, is refused, so labels or state are never served as an image.
   */
  guardedPaths?: readonly string[];
  /** Where learned dimensions are cached; null: memory only. */
  dimensionsFile?: string | null;
  fetchTimeoutMs?: number;
  fetchConcurrency?: number;
  /**
   * Decode the numeric columns on a worker thread, straight into shared memory the catalog adopts
   * (the main thread meanwhile reads paths and fills the tree). Default: for tables of
   * `WORKER_MIN_ROWS` rows or more; below that a thread costs more than it saves.
   */
  numbersOnWorker?: boolean;
  /**
   * The column of stable row ids labels are keyed by (issue 16); undefined: a column named `id`,
   * `image_id`, `uuid` or `sha256` when there is one. A named column that is missing is refused.
   */
  idColumn?: string;
  /**
   * The embedding columns to serve (`--embedding-column`, issue 13); undefined: every column of
   * fixed-length float lists. A named column that is missing or holds no such vectors is refused.
   */
  embeddingColumns?: readonly string[];
  /** The catalog to fill (a DeferredTableSource's, made before the table is open); default a new one. */
  catalog?: Catalog;
}

/** Thrown when the table can't be served (open-errors.ts). */
export { TableOpenError };

export interface LoadReport {
  rows: number;
  loaded: number;
  skipped: number;
  examples: { row: number; reason: string }[];
  error?: string;
  /** Absent without an id column. */
  idColumn?: { name: string; given: boolean; missing: number; duplicated: number };
}

const HEADER_BYTES = 64 * 1024;
/** Tables from this many rows on decode their numbers on a worker thread by default. */
export const WORKER_MIN_ROWS = 100_000;
const DIMENSIONS_FLUSH_MS = 2000;

export class ParquetSource implements DatasetSource {
  readonly mode = 'table' as const;
  readonly catalog: Catalog;
  private progressState: IndexProgress;
  private loading: Promise<void> | undefined;
  private loaded: LoadedTable | undefined;
  private loadError: Error | undefined;
  private readonly fetcher: RemoteFetcher;
  /** Created on the first s3:// read: most tables never need the SDK. */
  private s3: S3Objects | undefined;
  private baseReal: string | undefined;
  private guardedReal: Promise<string[]> | undefined;
  private readonly learned = new Map<string, [number, number]>();
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The table file when opened from one (not rows given to `launch`): what reloads read. */
  private file: string | undefined;
  /** The file version the served data was read from; a watcher event for it is not a change. */
  private loadedSignature: FileSignature | undefined;
  private readonly listeners = new Set<(change: DatasetChange) => void>();
  private reloading: Promise<DatasetChange | undefined> | undefined;
  private reloadAgain = false;
  private fileWatch: TableFileWatch | undefined;
  private log: (line: string) => void = (line) => process.emitWarning(line);

  private constructor(
    readonly name: string,
    readonly root: string,
    private readonly table: ParquetTable,
    public layout: TableLayout,
    private readonly baseDir: string,
    private readonly options: ParquetSourceOptions,
    private readonly numbersFromFile: string | undefined,
  ) {
    this.catalog = options.catalog ?? new Catalog();
    this.fetcher = new RemoteFetcher({
      allowPrivate: options.allowPrivateUrls,
      timeoutMs: options.fetchTimeoutMs,
      concurrency: options.fetchConcurrency,
    });
    const now = Date.now();
    this.progressState = { state: 'running', done: 0, total: table.rowCount, scanned: 0, startedAt: now, scannedAt: null, finishedAt: null };
  }

  /** Opens the file and settles the layout (image column, metrics) so mistakes fail before serving. */
  static async open(file: string, options: ParquetSourceOptions = {}): Promise<ParquetSource> {
    const absolute = path.resolve(file);
    let table: ParquetTable;
    try {
      table = await openParquet(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new TableOpenError(code === 'ENOENT' ? `table not found: ${file}` : `not a readable Parquet file: ${file} (${(error as Error).message})`);
    }
    const info = await stat(absolute);
    const signature = await signatureOf(absolute);
    const baseDir = path.resolve(options.baseDir ?? path.dirname(absolute));
    const base = await stat(baseDir).catch(() => undefined);
    if (!base?.isDirectory()) {
      await table.close();
      throw new TableOpenError(`base dir is not a folder: ${options.baseDir ?? baseDir}`);
    }
    const source = await ParquetSource.fromTable(table, {
      ...options,
      name: options.name ?? path.basename(absolute).replace(/\.parquet$/i, ''),
      root: absolute,
      baseDir,
      addedMs: info.mtimeMs,
      numbersFromFile: absolute,
    });
    source.file = absolute;
    source.loadedSignature = signature;
    try {
      source.vectorColumns = table.metadata ? detectVectorColumns(table.metadata, options.embeddingColumns) : [];
    } catch (error) {
      await table.close();
      throw error;
    }
    return source;
  }

  /** A source over any table (e.g. rows given to `launch`). */
  static async fromTable(
    table: ParquetTable,
    options: ParquetSourceOptions & { name?: string; root: string; baseDir: string; addedMs?: number; numbersFromFile?: string },
  ): Promise<ParquetSource> {
    let layout: TableLayout;
    const loadOptions = {
      baseDir: options.baseDir,
      sourceColumn: options.sourceColumn,
      pathColumn: options.pathColumn,
      idColumn: options.idColumn,
      defaultAddedMs: options.addedMs ?? Date.now(),
    };
    try {
      layout = await detectLayout(table, loadOptions);
    } catch (error) {
      await table.close();
      throw new TableOpenError((error as Error).message);
    }
    const source = new ParquetSource(options.name ?? 'table', options.root, table, layout, options.baseDir, options, options.numbersFromFile);
    source.defaultAddedMs = loadOptions.defaultAddedMs;
    return source;
  }

  private defaultAddedMs = 0;
  /** Embedding columns (issue 13): read after the table, on a worker, by `readEmbedding`. */
  private vectorColumns: VectorColumn[] = [];

  embeddingColumns(): readonly VectorColumn[] {
    return this.vectorColumns;
  }

  /** Starts reading an embedding column; call once the table is loaded (`whenIdle`). Undefined: its rows are not of one length. */
  readEmbedding(name: string, onRows: (rowEnd: number) => void): Promise<TableEmbeddingRead | undefined> {
    const column = this.vectorColumns.find((c) => c.name === name);
    if (!column || !this.file || !this.loaded?.rowToId) return Promise.reject(new Error(`no embedding column ${name} to read`));
    return readTableEmbedding(this.file, name, this.table.groupRows, this.loaded.rowToId, onRows);
  }

  start(): void {
    if (this.loading) return;
    this.loading = this.load().catch((error: unknown) => {
      this.loadError = error instanceof Error ? error : new Error(String(error));
      this.progressState = { ...this.progressState, state: 'done', finishedAt: Date.now() };
      process.emitWarning(`loading the table failed: ${this.loadError.message}`);
    });
    void this.loading.then(() => {
      this.markPathsIn();
      this.markLoaded();
    });
  }

  private markLoaded: () => void = () => {};
  /** Resolves once the table has been loaded, even when asked before `start()`. */
  private readonly loadedOnce = new Promise<void>((resolve) => {
    this.markLoaded = resolve;
  });

  /** The worker reader for `table`, opened from `file`, or undefined to read in-process. */
  private numbersReader(file: string | undefined, table: ParquetTable): NumericReader | undefined {
    const onWorker = this.options.numbersOnWorker ?? table.rowCount >= WORKER_MIN_ROWS;
    return file && onWorker ? workerNumericReader(file, table) : undefined;
  }

  private async load(): Promise<void> {
    // One turn of the event loop first: whoever started the server prints its address and the
    // first requests are answered before the load's first long step.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const reader = this.numbersReader(this.numbersFromFile, this.table);
    this.loaded = await loadTable(
      this.table,
      this.catalog,
      {
        baseDir: this.baseDir,
        sourceColumn: this.layout.source,
        pathColumn: this.layout.path,
        idColumn: this.layout.id?.name,
        defaultAddedMs: this.defaultAddedMs,
        keepRowIds: this.vectorColumns.length > 0,
        onProgress: (done) => {
          this.progressState = { ...this.progressState, done, scanned: done };
        },
        onPathsIn: () => this.markPathsIn(),
      },
      reader,
    );
    await this.table.close();
    await this.applyCachedDimensions();
    const now = Date.now();
    this.progressState = { ...this.progressState, state: 'done', done: this.catalog.aliveCount, total: this.catalog.aliveCount, scannedAt: now, finishedAt: now };
  }

  progress(): IndexProgress {
    return { ...this.progressState };
  }

  private markPathsIn: () => void = () => {};
  private readonly pathsInOnce = new Promise<void>((resolve) => {
    this.markPathsIn = resolve;
  });

  /** Resolves once every row's path is in the catalog, while the numbers may still be decoding (TB9). */
  whenPathsIn(): Promise<void> {
    return this.pathsInOnce;
  }

  /** Resolves when the table is loaded; asked before `start()`, it waits for that load. */
  whenIdle(): Promise<void> {
    return this.loadedOnce;
  }

  /**
   * Rows that could not be served (no source, a path outside the base dir), with examples, and the
   * id column labels are keyed by: its name, whether it was named (`--id-column`) or found by its
   * name, and the rows left without an identity (empty id, or an id an earlier row already has).
   */
  loadReport(): LoadReport {
    const id = this.layout.id;
    return {
      rows: this.loaded?.rows ?? this.table.rowCount,
      loaded: this.loaded?.loaded ?? 0,
      skipped: this.loaded?.skippedCount ?? 0,
      examples: this.loaded?.skipped ?? [],
      error: this.loadError?.message,
      idColumn: id && { name: id.name, given: id.given, missing: this.loaded?.idsMissing ?? 0, duplicated: this.loaded?.idsDuplicated ?? 0 },
    };
  }

  /** Each alive item's stable id as [path, id]; null when the table has no id column. */
  identities(): Iterable<[path: string, id: string]> | null {
    if (!this.layout.id) return null;
    const { catalog } = this;
    const ids = this.loaded?.rowIds ?? [];
    return (function* () {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id !== undefined && catalog.alive[i]) yield [catalog.paths[i]!, id] as [string, string];
      }
    })();
  }

  onChange(listener: (change: DatasetChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Watches the table file; once a rewrite has settled, the table is read again (see `reload`). */
  async watch(options: WatchOptions): Promise<WatchStatus> {
    if (!this.file || this.closed) return { kind: 'off' };
    if (this.fileWatch) return this.fileWatch.status;
    // Not while the first load runs: the watcher's native module and its subscription took ~50 ms
    // of the main thread just as the first rows were decoded. A rewrite meanwhile is not missed:
    // the watch compares the file with the version loaded as it starts.
    if (this.loading) await this.loadedOnce;
    // A call made meanwhile may have set it up.
    const started = this.fileWatch as TableFileWatch | undefined;
    if (started) return started.status;
    if (this.closed) return { kind: 'off' };
    this.log = options.log;
    const reload = (): void => {
      this.reload().catch((error: unknown) => options.log(`reloading the table failed: ${(error as Error).message}`));
    };
    const fileWatch = await watchTableFile(this.file, () => this.loadedSignature, reload, { log: options.log, rescanMs: options.rescanMs });
    // Closed while the watch was being set up (a table opened after listening, stopped at once): `close` could not stop it.
    if (this.closed) {
      await fileWatch.stop();
      return { kind: 'off' };
    }
    this.fileWatch = fileWatch;
    return this.fileWatch.status;
  }

  /**
   * Reads the table file again and applies the difference to the served catalog (the same Catalog
   * object: routes keep theirs). A file that cannot be read keeps the old data and logs one line;
   * the next change retries. Calls while one runs coalesce into one more run after it.
   * Resolves with what changed (undefined: nothing, or the file could not be read).
   */
  reload(): Promise<DatasetChange | undefined> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    const run = async (): Promise<DatasetChange | undefined> => {
      let last: DatasetChange | undefined;
      do {
        this.reloadAgain = false;
        last = (await this.reloadOnce()) ?? last;
      } while (this.reloadAgain && !this.closed);
      return last;
    };
    this.reloading = run().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async reloadOnce(): Promise<DatasetChange | undefined> {
    const file = this.file;
    if (!file || this.closed) return undefined;
    this.start();
    await this.loading;
    const signature = await signatureOf(file);
    const next = new Catalog();
    let loaded: LoadedTable;
    try {
      const table = await openParquet(file);
      try {
        loaded = await loadTable(
          table,
          next,
          {
            baseDir: this.baseDir,
            sourceColumn: this.options.sourceColumn ?? this.layout.source,
            pathColumn: this.options.pathColumn ?? this.layout.path,
            idColumn: this.options.idColumn,
            defaultAddedMs: (await stat(file)).mtimeMs,
          },
          this.numbersReader(file, table),
        );
      } finally {
        await table.close();
      }
    } catch (error) {
      this.log(`could not reload the table ${path.basename(file)} (${(error as Error).message}); serving the previous version`);
      return undefined;
    }
    if (this.closed) return undefined;
    // From here to the end nothing awaits: requests see the old table or the new one, never a mix.
    const { change, liveIds } = applyReload(this.catalog, next, loaded.layout.metrics, loaded.layout.added !== undefined);
    const rowIds: (string | undefined)[] = new Array(this.catalog.size);
    for (let s = 0; s < liveIds.length; s++) if (liveIds[s]! >= 0) rowIds[liveIds[s]!] = loaded.rowIds[s];
    const seeds = loaded.seeds.map((seed) => ({ ...seed, id: liveIds[seed.id]! }));
    for (const p of [...change.changed, ...change.removed]) this.learned.delete(p);
    this.layout = loaded.layout;
    this.loaded = { ...loaded, rowIds, seeds };
    this.loadError = undefined;
    this.loadedSignature = signature;
    const alive = this.catalog.aliveCount;
    this.progressState = { ...this.progressState, done: alive, total: alive, scanned: alive };
    if (change.added.length + change.removed.length + change.changed.length === 0) return undefined;
    for (const listener of this.listeners) listener(change);
    return change;
  }

  /** Labels carried by the table's `tags`, `star`, `flag` and `notes` columns (rows with any). */
  *labelSeeds(): Iterable<LabelSeed> {
    for (const seed of this.loaded?.seeds ?? []) {
      yield { path: this.catalog.paths[seed.id]!, tags: seed.tags, star: seed.star, flag: seed.flag, notes: seed.notes };
    }
  }

  /** Reads the table file again, whatever the path: a table's rows are only known together. */
  async refresh(p: string): Promise<RefreshResult> {
    const change = await this.reload();
    return { path: p, added: change?.added.length ?? 0, updated: change?.changed.length ?? 0, removed: change?.removed.length ?? 0 };
  }

  /** A row's logical path is known only once the row is read: nothing beyond the catalog. */
  async lookup(p: string): Promise<PathLookup | undefined> {
    const id = this.catalog.idOf(p);
    return id === undefined ? undefined : { kind: 'item', id };
  }

  async openItem(id: number): Promise<ItemBytes> {
    const logical = this.catalog.paths[id];
    if (logical === undefined || !this.catalog.alive[id]) throw new AppError('not_found', 'no such item');
    const source = this.catalog.sources[id] ?? logical.slice(1);
    const kind = sourceKind(source);
    if (kind === 'local') return this.openLocal(id, source);
    if (kind === 'http') {
      return this.remote(id, source, source, async (signal) => {
        const result = await this.fetcher.get(source, { signal });
        checkStatus(result, source);
        return { body: result.body, contentType: result.headers['content-type'] };
      });
    }
    this.s3 ??= new S3Objects({ timeoutMs: this.options.fetchTimeoutMs, concurrency: this.options.fetchConcurrency });
    const s3 = this.s3;
    return this.remote(id, source, source, (signal) => s3.get(source, signal));
  }

  /** Records dimensions learned elsewhere (e.g. by the thumbnailer) and caches them. */
  learnDimensions(id: number, w: number, h: number): void {
    if (!(w > 0 && h > 0) || !this.catalog.alive[id]) return;
    if (this.catalog.width[id] === w && this.catalog.height[id] === h) return;
    this.catalog.width[id] = w;
    this.catalog.height[id] = h;
    this.learned.set(this.catalog.paths[id]!, [w, h]);
    this.scheduleFlush();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.fileWatch?.stop();
    await this.loading;
    await this.reloading;
    await this.table.close().catch(() => undefined);
    this.fetcher.close();
    this.s3?.close();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.flushDimensions();
  }

  private async openLocal(id: number, source: string): Promise<ItemBytes> {
    const resolved = localSourcePath(source, this.baseDir);
    if (!resolved) throw new AppError('invalid_path', 'source leaves the base dir');
    this.baseReal ??= await realpath(this.baseDir).catch(() => this.baseDir);
    let real: string;
    try {
      real = await realpath(resolved);
    } catch {
      throw new AppError('not_found', `source file is missing: ${source}`);
    }
    // A symlink inside the base dir may point outside it.
    if (!isBelow(this.baseReal, real)) throw new AppError('invalid_path', 'source leaves the base dir');
    // Resolved once, lazily: a workspace not created yet is guarded at the real path it will have.
    this.guardedReal ??= Promise.all((this.options.guardedPaths ?? []).map(realpathOfMaybeMissing));
    if (isGuarded(await this.guardedReal, real)) throw new AppError('invalid_path', 'source points into the workspace');
    const info = await stat(real).catch(() => undefined);
    if (!info?.isFile()) throw new AppError('not_found', `source file is missing: ${source}`);
    if (this.catalog.width[id] === 0) void this.probeLocal(id, real);
    return { kind: 'file', absPath: real, size: info.size, mtimeMs: info.mtimeMs };
  }

  private remote(id: number, url: string, label: string, fetch: (signal?: AbortSignal) => Promise<{ body: Buffer; contentType: string | undefined }>): ItemBytes {
    const size = this.catalog.bytes[id]!;
    return {
      kind: 'remote',
      url,
      size: size > 0 ? size : undefined,
      mtimeMs: undefined,
      etag: undefined,
      read: async (signal?: AbortSignal) => {
        const result = await fetch(signal);
        const type = String(result.contentType ?? '').split(';')[0]!.trim().toLowerCase();
        if (type && !type.startsWith('image/') && type !== 'application/octet-stream' && type !== 'binary/octet-stream') {
          throw new AppError('unsupported_media_type', `${label} is not an image (${type})`);
        }
        if (this.catalog.width[id] === 0) {
          const found = probeDimensions(result.body, true);
          if (found && found !== 'more') this.learnDimensions(id, found.w, found.h);
        }
        return result.body;
      },
    };
  }

  private async probeLocal(id: number, file: string): Promise<void> {
    try {
      const handle = await openFile(file, 'r');
      try {
        const buffer = Buffer.alloc(HEADER_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
        const found = probeDimensions(buffer.subarray(0, bytesRead), bytesRead < HEADER_BYTES);
        if (found && found !== 'more') this.learnDimensions(id, found.w, found.h);
      } finally {
        await handle.close();
      }
    } catch {
      // Unreadable now: the thumbnail request reports it; dimensions stay unknown.
    }
  }

  private async applyCachedDimensions(): Promise<void> {
    const file = this.options.dimensionsFile;
    if (!file) return;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (!text) return;
    let parsed: { dimensions?: Record<string, [number, number]> };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return; // a damaged cache is only a cache: it is rebuilt as items are seen
    }
    for (const [p, wh] of Object.entries(parsed.dimensions ?? {})) {
      const id = this.catalog.idOf(p);
      if (id === undefined || !Array.isArray(wh) || this.catalog.width[id] !== 0) continue;
      this.catalog.width[id] = wh[0];
      this.catalog.height[id] = wh[1];
      this.learned.set(p, wh);
    }
  }

  private scheduleFlush(): void {
    if (!this.options.dimensionsFile || this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flushDimensions();
    }, DIMENSIONS_FLUSH_MS);
    this.flushTimer.unref();
  }

  private async flushDimensions(): Promise<void> {
    const file = this.options.dimensionsFile;
    if (!file || this.learned.size === 0) return;
    const dimensions = Object.fromEntries(this.learned);
    await writeAtomic(file, JSON.stringify({ version: 1, dimensions })).catch((error: unknown) => {
      process.emitWarning(`could not cache dimensions: ${(error as Error).message}`);
    });
  }
}
