import { readFile, rename } from 'node:fs/promises';
import type { View, ViewsDocument } from '../../protocol/views.js';
import { MAX_VIEWS, viewsDocumentSchema } from '../../protocol/views.js';
import type { Principal } from '../accounts/principal.js';
import { AppError } from '../app-error.js';
import { writeAtomic } from '../lib/atomic-write.js';
import { IDEMPOTENCY_MAX_ENTRIES, IDEMPOTENCY_TTL_MS, IdempotencyMemory, replay } from '../lib/idempotency.js';
import { audienceOf, mergeVisible, type OwnedView, ownedView, ownerKey, visibleTo } from './view-access.js';
import { type OwnedDocument, parseViewsRecords, type RecordedOutcome, serializeViews, type ViewsOutcome, type ViewsRecord } from './views-file.js';

export type { ViewsOutcome } from './views-file.js';

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
  /** The views file; null keeps views in memory only (`--no-write`). */
  file: string | null;
  /**
   * Where the views were kept before (read only when `file` does not exist yet, and only if it is a
   * views document of ours: the Python Lenslet's file of the same name is left alone). Never written.
   */
  legacyFile?: string;
  /** Called after each committed change (the `views-updated` event). */
  publish?: (event: ViewsUpdated) => void;
  idempotencyTtlMs?: number;
  now?: () => number;
}

/** The version of a views document nobody has written yet. */
export const INITIAL_VIEWS_VERSION = 1;
const KEY_REUSED = 'this Idempotency-Key was used for a different request';

export class ViewsStore {
  private doc: OwnedDocument;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly remembered: IdempotencyMemory<RecordedOutcome>;

  private constructor(
    private readonly options: ViewsStoreOptions,
    doc: OwnedDocument,
    records: ViewsRecord[],
  ) {
    this.doc = doc;
    this.remembered = new IdempotencyMemory({ ttlMs: options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS, maxEntries: IDEMPOTENCY_MAX_ENTRIES });
    for (const record of records) this.remembered.set(record);
  }

  /** Loads the views file if there is one. A file that is not a views document is set aside, never overwritten. */
  static async open(options: ViewsStoreOptions): Promise<ViewsStore> {
    let doc: OwnedDocument = { version: INITIAL_VIEWS_VERSION, views: [] };
    let records: ViewsRecord[] = [];
    if (options.file) {
      let text = await readIfThere(options.file);
      let adopting = false;
      if (text === undefined && options.legacyFile) {
        text = await readIfThere(options.legacyFile);
        adopting = text !== undefined;
      }
      if (text !== undefined) {
        const json = safeJson(text);
        const parsed = viewsDocumentSchema.safeParse(json);
        if (parsed.success) {
          // Views saved before accounts have no owner: they load as shared.
          doc = { version: Math.max(INITIAL_VIEWS_VERSION, parsed.data.version), views: parsed.data.views.map(ownedView) };
          records = parseViewsRecords(json, doc);
        } else if (!adopting) {
          // Our own file, damaged or from another version: keep it (renamed, never overwritten) and start an empty list.
          const aside = `${options.file}.unreadable-${Date.now()}`;
          await rename(options.file, aside);
          process.emitWarning(`${options.file} is not a views file of this version; kept as ${aside}`);
        }
        // A legacy file that is not ours (the Python Lenslet's views) is not touched: `lenslet import --from-python` reads it.
      }
    }
    return new ViewsStore(options, doc, records);
  }

  /** The document as `viewer` sees it. */
  get(viewer: Principal): ViewsDocument {
    return seenBy(this.doc, ownerKey(viewer));
  }

  get persistent(): boolean {
    return this.options.file !== null;
  }

  /**
   * Replaces what the writer sees if `base` is current; a change it may not make is refused
   * (`forbidden`). The same key with the same request from the same caller gets the first outcome
   * again (`replayed`); with another request or caller it is refused (`idempotency_key_reused`).
   */
  put(write: ViewsWrite): Promise<{ outcome: ViewsOutcome; replayed: boolean }> {
    const run = this.queue.then(() => this.putNow(write));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async putNow(write: ViewsWrite): Promise<{ outcome: ViewsOutcome; replayed: boolean }> {
    const now = this.now();
    this.remembered.prune(now);
    const by = write.by.name;
    const seen = this.remembered.get(write.key, now);
    if (seen) {
      const recorded = replay(seen, write.fingerprint, KEY_REUSED);
      // Keys are the client's: another caller's key gets nothing of what the first one could see.
      if (recorded.by !== null && recorded.by !== by) throw new AppError('idempotency_key_reused', KEY_REUSED);
      return { outcome: seenIn(recorded, by), replayed: true };
    }
    const applies = write.base === this.doc.version;
    const next: OwnedDocument = applies ? { version: this.doc.version + 1, views: mergeVisible(this.doc.views, write.views, write.by) } : this.doc;
    const outcome: RecordedOutcome = applies
      ? { kind: 'applied', doc: next, by }
      : { kind: 'conflict', base_version: write.base, current: this.doc, by };
    const record: ViewsRecord = { key: write.key, fingerprint: write.fingerprint, outcome, created_at_ms: now };
    if (this.options.file) {
      // A conflict is written too: its record must outlive a restart like an applied write's.
      const { text, kept } = serializeViews(next, [...this.remembered.entries(), record].slice(-IDEMPOTENCY_MAX_ENTRIES));
      await writeAtomic(this.options.file, text);
      const keep = new Set(kept.map((r) => r.key));
      for (const old of this.remembered.entries()) if (!keep.has(old.key)) this.remembered.delete(old.key);
    }
    const before = this.doc;
    this.doc = next;
    this.remembered.set(record);
    if (applies) {
      const audience = audienceOf(before.views, next.views, write.by);
      this.options.publish?.({ type: 'views-updated', data: { version: next.version }, ...(audience ? { audience } : {}) });
    }
    return { outcome: seenIn(outcome, by), replayed: false };
  }

  /**
   * Adds `views` as shared views of nobody (like those made before accounts), skipping ids already
   * present and stopping at MAX_VIEWS: `lenslet import --from-python`. Serialized with `put`, so
   * it bumps the version like any write and a client based on the old version gets a 409.
   */
  appendShared(views: readonly View[]): Promise<{ added: string[]; present: string[]; overLimit: string[] }> {
    const run = this.queue.then(() => this.appendSharedNow(views));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendSharedNow(views: readonly View[]): Promise<{ added: string[]; present: string[]; overLimit: string[] }> {
    const ids = new Set(this.doc.views.map((v) => v.id));
    const result = { added: [] as string[], present: [] as string[], overLimit: [] as string[] };
    const fresh: OwnedView[] = [];
    for (const view of views) {
      if (ids.has(view.id)) result.present.push(view.id);
      else if (this.doc.views.length + fresh.length >= MAX_VIEWS) result.overLimit.push(view.id);
      else {
        ids.add(view.id);
        fresh.push({ ...view, owner: null, shared: true });
        result.added.push(view.id);
      }
    }
    if (fresh.length === 0) return result;
    const next: OwnedDocument = { version: this.doc.version + 1, views: [...this.doc.views, ...fresh] };
    if (this.options.file) {
      const { text, kept } = serializeViews(next, this.remembered.entries());
      await writeAtomic(this.options.file, text);
      const keep = new Set(kept.map((r) => r.key));
      for (const old of this.remembered.entries()) if (!keep.has(old.key)) this.remembered.delete(old.key);
    }
    this.doc = next;
    this.options.publish?.({ type: 'views-updated', data: { version: next.version } });
    return result;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function seenBy(doc: OwnedDocument, name: string): ViewsDocument {
  return { version: doc.version, views: visibleTo(doc.views, name) };
}

function seenIn(outcome: RecordedOutcome, name: string): ViewsOutcome {
  return outcome.kind === 'applied'
    ? { kind: 'applied', doc: seenBy(outcome.doc, name) }
    : { kind: 'conflict', base_version: outcome.base_version, current: seenBy(outcome.current, name) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readIfThere(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}
