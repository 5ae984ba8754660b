import type { View, ViewsDocument } from '../../protocol/views.js';
import { MAX_VIEWS } from '../../protocol/views.js';
import type { Principal } from '../accounts/principal.js';
import { AppError } from '../app-error.js';
import { IDEMPOTENCY_MAX_ENTRIES, IDEMPOTENCY_TTL_MS, replay } from '../lib/idempotency.js';
import type { PgConnection } from '../postgres/pg-connection.js';
import { audienceOf, audienceOfKey, mergeVisible, type OwnedView, ownerKey, visibleTo } from './view-access.js';
import { FileViewsBackend, type ViewsBackend, type ViewsDecision, type ViewsState } from './views-backend.js';
import type { OwnedDocument, RecordedOutcome, ViewsOutcome, ViewsRecord } from './views-file.js';

export type { ViewsOutcome } from './views-file.js';
export { INITIAL_VIEWS_VERSION } from './views-backend.js';

/**
 * Smart folders as one versioned document. A write names the version it was based on; a stale
 * one is refused with the current document, never last-write-wins. Writes are serialized,
 * persisted atomically (temp file, fsync, rename) before memory changes, and then announced.
 * Idempotency records live in the same file (views-file.ts), so a retry after a restart gets
 * the answer the first request got, as for labels.
 *
 * Each caller reads and writes only the views it may see (view-access.ts); the version is one for
 * the whole document, so any change makes every other caller's next write a 409 and a re-apply.
 */
export interface ViewsWrite {
  /** What the writer sees, as it should be after the write. */
  views: View[];
  base: number;
  key: string;
  fingerprint: string;
  by: Principal;
}

export interface ViewsUpdated {
  type: 'views-updated';
  data: { version: number };
  /** Absent: everyone may see the change; else only those it returns true for. */
  audience?: (principal: Principal) => boolean;
}

export interface ViewsStoreOptions {
  /** The views file; null keeps views in memory only (`--no-write`). Unused with `postgres`. */
  file: string | null;
  /**
   * Where the views were kept before (read only when `file` does not exist yet, and only if it is a
   * views document of ours: the Python Lenslet's file of the same name is left alone). Never written.
   */
  legacyFile?: string;
  /**
   * Keep the document in PostgreSQL, shared by every server of the dataset, instead of the file
   * (`lenslet migrate` copies the file over: `copyViewsToPostgres`).
   */
  postgres?: PgConnection;
  /** Called after each committed change (the `views-updated` event), this server's or another's. */
  publish?: (event: ViewsUpdated) => void;
  idempotencyTtlMs?: number;
  now?: () => number;
  /** Where a failed reload after another server's change is reported, once per outage. Default: a process warning. */
  log?: (message: string) => void;
}

const KEY_REUSED = 'this Idempotency-Key was used for a different request';

type PutValue = { outcome: RecordedOutcome; replayed: boolean };
type AppendResult = { added: string[]; present: string[]; overLimit: string[] };

export class ViewsStore {
  /** The document as last stored or seen: `get` answers from it without a round trip. */
  private doc: OwnedDocument;
  private queue: Promise<unknown> = Promise.resolve();
  private unwatch: () => Promise<void> = async () => {};
  private reloadQueued = false;
  private reloadFailing = false;

  private constructor(
    private readonly options: ViewsStoreOptions,
    private readonly backend: ViewsBackend,
    doc: OwnedDocument,
  ) {
    this.doc = doc;
  }

  /**
   * Loads the views file if there is one (a file that is not a views document is set aside, never
   * overwritten), or the dataset's document in PostgreSQL, then follows other servers' changes.
   */
  static async open(options: ViewsStoreOptions): Promise<ViewsStore> {
    const limits = { ttlMs: options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS, maxEntries: IDEMPOTENCY_MAX_ENTRIES };
    const backend = options.postgres
      ? await (await import('./pg-views-backend.js')).PgViewsBackend.open(options.postgres, limits)
      : await FileViewsBackend.open(options.file, options.legacyFile, limits);
    const store = new ViewsStore(options, backend, (await backend.read()).doc);
    store.unwatch = await backend.watch(() => store.reload());
    // A change another server made between the read above and LISTEN taking effect was not heard.
    if (options.postgres) store.reload();
    return store;
  }

  /** The document as `viewer` sees it. */
  get(viewer: Principal): ViewsDocument {
    return seenBy(this.doc, ownerKey(viewer));
  }

  /** A view by id whoever owns it (an admin's assignment may name any smart folder). */
  find(id: string): OwnedView | undefined {
    return this.doc.views.find((v) => v.id === id);
  }

  /** The document's version: moves on every change of any view. */
  get version(): number {
    return this.doc.version;
  }

  get persistent(): boolean {
    return this.backend.persistent;
  }

  /** Stops following other servers' changes. */
  async close(): Promise<void> {
    await this.unwatch();
  }

  /**
   * Replaces what the writer sees if `base` is current; a change it may not make is refused
   * (`forbidden`). The same key with the same request from the same caller gets the first outcome
   * again (`replayed`); with another request or caller it is refused (`idempotency_key_reused`).
   */
  put(write: ViewsWrite): Promise<{ outcome: ViewsOutcome; replayed: boolean }> {
    return this.serial(() => this.putNow(write));
  }

  private async putNow(write: ViewsWrite): Promise<{ outcome: ViewsOutcome; replayed: boolean }> {
    const now = this.now();
    const by = write.by.name;
    const { value, before, writer } = await this.backend.update((state) => decidePut(state, write, now));
    this.catchUp(before, writer);
    if (value.outcome.kind === 'applied' && !value.replayed) {
      const next = value.outcome.doc;
      this.doc = next;
      const audience = audienceOf(before.views, next.views, write.by);
      this.options.publish?.({ type: 'views-updated', data: { version: next.version }, ...(audience ? { audience } : {}) });
    }
    return { outcome: seenIn(value.outcome, by), replayed: value.replayed };
  }

  /**
   * Adds `views` as shared views of nobody (like those made before accounts), skipping ids already
   * present and stopping at MAX_VIEWS: `lenslet import --from-python`. Serialized with `put`, so
   * it bumps the version like any write and a client based on the old version gets a 409.
   */
  appendShared(views: readonly View[]): Promise<AppendResult> {
    return this.serial(async () => {
      const { value, before, writer } = await this.backend.update((state) => decideAppend(state, views));
      this.catchUp(before, writer);
      if (value.next) {
        this.doc = value.next;
        this.options.publish?.({ type: 'views-updated', data: { version: value.next.version } });
      }
      return value.result;
    });
  }

  /** Another server changed the document (or may have: a reconnect): read it and tell this server's clients. */
  private reload(): void {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    // In the write queue, so a notice of this server's own write finds the cache already current.
    void this.serial(async () => {
      this.reloadQueued = false;
      try {
        const { doc, writer } = await this.backend.read();
        this.catchUp(doc, writer);
        this.reloadFailing = false;
      } catch (error) {
        if (!this.reloadFailing) (this.options.log ?? ((m: string) => process.emitWarning(m)))(`smart folders: reload after a change failed: ${(error as Error).message}`);
        this.reloadFailing = true;
      }
    }).catch(() => undefined);
  }

  /**
   * Adopts a stored document newer than the cache (written by another server) and publishes it.
   * The writer is known only when it is one write ahead; otherwise the owners whose views changed hear of it.
   */
  private catchUp(stored: OwnedDocument, writer: string | null): void {
    const cached = this.doc;
    const newer = stored.version > cached.version;
    // Equal versions with other content: a document copied into an empty dataset by `lenslet migrate`.
    if (!newer && (stored.version < cached.version || JSON.stringify(stored.views) === JSON.stringify(cached.views))) return;
    this.doc = stored;
    const audience = audienceOfKey(cached.views, stored.views, stored.version === cached.version + 1 ? writer : null);
    this.options.publish?.({ type: 'views-updated', data: { version: stored.version }, ...(audience ? { audience } : {}) });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function decidePut(state: ViewsState, write: ViewsWrite, now: number): ViewsDecision<PutValue> {
  state.records.prune(now);
  const by = write.by.name;
  const seen = state.records.get(write.key, now);
  if (seen) {
    const recorded = replay(seen, write.fingerprint, KEY_REUSED);
    // Keys are the client's: another caller's key gets nothing of what the first one could see.
    if (recorded.by !== null && recorded.by !== by) throw new AppError('idempotency_key_reused', KEY_REUSED);
    return { value: { outcome: recorded, replayed: true } };
  }
  const { doc } = state;
  const applies = write.base === doc.version;
  const next: OwnedDocument = applies ? { version: doc.version + 1, views: mergeVisible(doc.views, write.views, write.by) } : doc;
  const outcome: RecordedOutcome = applies ? { kind: 'applied', doc: next, by } : { kind: 'conflict', base_version: write.base, current: doc, by };
  // A conflict is recorded too: a retry must get the same 409, also after a restart or on another server.
  const record: ViewsRecord = { key: write.key, fingerprint: write.fingerprint, outcome, created_at_ms: now };
  return { value: { outcome, replayed: false }, record, ...(applies ? { next, writer: ownerKey(write.by) } : {}) };
}

function decideAppend(state: ViewsState, views: readonly View[]): ViewsDecision<{ result: AppendResult; next?: OwnedDocument }> {
  const { doc } = state;
  const ids = new Set(doc.views.map((v) => v.id));
  const result: AppendResult = { added: [], present: [], overLimit: [] };
  const fresh: OwnedView[] = [];
  for (const view of views) {
    if (ids.has(view.id)) result.present.push(view.id);
    else if (doc.views.length + fresh.length >= MAX_VIEWS) result.overLimit.push(view.id);
    else {
      ids.add(view.id);
      fresh.push({ ...view, owner: null, shared: true });
      result.added.push(view.id);
    }
  }
  if (fresh.length === 0) return { value: { result } };
  const next: OwnedDocument = { version: doc.version + 1, views: [...doc.views, ...fresh] };
  return { value: { result, next }, next, writer: null };
}

function seenBy(doc: OwnedDocument, name: string): ViewsDocument {
  return { version: doc.version, views: visibleTo(doc.views, name) };
}

function seenIn(outcome: RecordedOutcome, name: string): ViewsOutcome {
  return outcome.kind === 'applied'
    ? { kind: 'applied', doc: seenBy(outcome.doc, name) }
    : { kind: 'conflict', base_version: outcome.base_version, current: seenBy(outcome.current, name) };
}
