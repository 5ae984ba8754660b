import path from 'node:path';
import { Catalog } from '../catalog/catalog.js';
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
import type { LoadReport, ParquetSource } from './parquet-source.js';
import type { VectorColumn } from './parquet-vectors.js';
import type { TableEmbeddingRead } from './table-embeddings.js';

/**
 * A table served before its file is opened (issue 15, DS20): reading the footer and settling the
 * layout takes 0.1–0.5 s at 1M–10M rows, which would otherwise hold back the first `/health`. The
 * server listens on this stand-in; `start()` opens the table and then loads it into the same
 * catalog. Until the table is open, `/health` says indexing is `running` with 0 of 0 done and
 * lookups wait for the open. Whoever started it awaits `opened` to report an unreadable table.
 */
export class DeferredTableSource implements DatasetSource {
  readonly mode = 'table' as const;
  readonly catalog = new Catalog();
  /** Settles once the table is open: rejects with the open's error (TableOpenError for a bad table). */
  readonly opened: Promise<ParquetSource>;
  private inner: ParquetSource | undefined;
  private begin!: () => void;
  private started = false;
  private closed = false;
  private readonly listeners = new Set<(change: DatasetChange) => void>();
  private readonly startedAt = Date.now();

  constructor(
    readonly name: string,
    readonly root: string,
    open: (catalog: Catalog) => Promise<ParquetSource>,
  ) {
    this.opened = new Promise<void>((resolve) => {
      this.begin = resolve;
    }).then(async () => {
      const source = await open(this.catalog);
      if (this.closed) {
        await source.close();
        throw new Error('closed before the table was open');
      }
      this.inner = source;
      source.onChange((change) => {
        for (const listener of this.listeners) listener(change);
      });
      return source;
    });
    // Callers that only wait (lookups, whenIdle) see a failure through `opened` where they await it.
    this.opened.catch(() => undefined);
  }

  /** The file name without `.parquet` unless named: the same name `ParquetSource.open` gives. */
  static nameOf(file: string, name?: string): string {
    return name ?? path.basename(file).replace(/\.parquet$/i, '');
  }

  start(): void {
    this.started = true;
    this.begin();
    void this.opened.then((source) => source.start(), () => undefined);
  }

  progress(): IndexProgress {
    if (this.inner) return this.inner.progress();
    return { state: 'running', done: 0, total: 0, scanned: 0, startedAt: this.startedAt, scannedAt: null, finishedAt: null };
  }

  /** Resolves once the table is loaded, or at once when it could not be opened (nothing will come). */
  async whenIdle(): Promise<void> {
    const source = await this.opened.catch(() => undefined);
    await source?.whenIdle();
  }

  /** Once the open table's paths are all in (TB9); at once when it could not be opened. */
  async whenPathsIn(): Promise<void> {
    const source = await this.opened.catch(() => undefined);
    await source?.whenPathsIn();
  }

  async refresh(p: string): Promise<RefreshResult> {
    return (await this.opened).refresh(p);
  }

  async lookup(p: string): Promise<PathLookup | undefined> {
    const source = await this.opened.catch(() => undefined);
    return source?.lookup(p);
  }

  async openItem(id: number): Promise<ItemBytes> {
    return (await this.opened).openItem(id);
  }

  labelSeeds(): Iterable<LabelSeed> {
    return this.inner?.labelSeeds() ?? [];
  }

  onChange(listener: (change: DatasetChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async watch(options: WatchOptions): Promise<WatchStatus> {
    const source = await this.opened.catch(() => undefined);
    return source ? source.watch(options) : { kind: 'off' };
  }

  identities(): Iterable<[path: string, id: string]> | null {
    return this.inner?.identities() ?? null;
  }

  embeddingColumns(): readonly VectorColumn[] {
    return this.inner?.embeddingColumns() ?? [];
  }

  async readEmbedding(name: string, onRows: (rowEnd: number) => void): Promise<TableEmbeddingRead | undefined> {
    return (await this.opened).readEmbedding(name, onRows);
  }

  /** The open table's report; before it is open (or when it could not be), no rows. */
  loadReport(): LoadReport {
    return this.inner?.loadReport() ?? { rows: 0, loaded: 0, skipped: 0, examples: [] };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.inner) return this.inner.close();
    // Opening: the open closes what it opened once it sees `closed`. Never started: nothing to close.
    if (this.started) await this.opened.catch(() => undefined);
  }
}
