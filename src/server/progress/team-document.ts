import { AppError } from '../app-error.js';
import { IDEMPOTENCY_TTL_MS } from '../lib/idempotency.js';
import type { DocumentBackend, DocumentRecord, StoredDocument } from './document-backend.js';

/** The version of a document nobody has written yet. */
export const INITIAL_DOCUMENT_VERSION = 1;

export type DocumentOutcome<T> = { kind: 'applied'; doc: T & { version: number } } | { kind: 'conflict'; base_version: number; current: T & { version: number } };

export interface DocumentWrite<T> {
  body: T;
  base: number;
  key: string;
  fingerprint: string;
  by: string;
}

export interface TeamDocumentOptions<T> {
  name: string;
  backend: DocumentBackend;
  /** The body of the document before anyone wrote it. */
  initial: T;
  /** Reads a stored body (JSON); a body it cannot read is a bug or a newer server's: it throws. */
  parse: (body: unknown) => T;
  /** Called after each committed change, this server's or another's (PostgreSQL). */
  publish: (version: number) => void;
  now?: () => number;
  idempotencyTtlMs?: number;
  log?: (message: string) => void;
}

const KEY_REUSED = 'this Idempotency-Key was already used for a different request';

/**
 * A small versioned document (progress settings, assignments) with the smart folders' write rules:
 * a write names the version it was based on and is refused with the current document when that
 * is stale (never last-write-wins), carries an Idempotency-Key whose first answer a retry gets
 * again, and is announced after its commit. Reads answer from memory; with PostgreSQL another
 * server's change is read back on its NOTIFY and announced too.
 */
export class TeamDocument<T> {
  private doc: T & { version: number };
  private queue: Promise<unknown> = Promise.resolve();
  private unwatch: () => Promise<void> = async () => {};
  private reloadFailing = false;

  private constructor(
    private readonly options: TeamDocumentOptions<T>,
    doc: T & { version: number },
  ) {
    this.doc = doc;
  }

  static async open<T>(options: TeamDocumentOptions<T>): Promise<TeamDocument<T>> {
    const stored = await options.backend.read(options.name);
    const document = new TeamDocument(options, docOf(options, stored));
    document.unwatch = await options.backend.watch((name) => {
      if (name === null || name === options.name) document.reload();
    });
    return document;
  }

  get(): T & { version: number } {
    return this.doc;
  }

  put(write: DocumentWrite<T>): Promise<{ outcome: DocumentOutcome<T>; replayed: boolean }> {
    const run = this.queue.then(() => this.putNow(write));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.unwatch();
  }

  private async putNow(write: DocumentWrite<T>): Promise<{ outcome: DocumentOutcome<T>; replayed: boolean }> {
    const { options } = this;
    const now = (options.now ?? Date.now)();
    const ttl = options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS;
    const result = await options.backend.update(options.name, write.key, now, ttl, (stored, recorded) => {
      if (recorded) return { value: { record: recorded, replayed: true } };
      const current = docOf(options, stored);
      const applies = write.base === current.version;
      const doc: StoredDocument = applies ? { version: current.version + 1, body: write.body } : { version: current.version, body: bodyOf(current) };
      const record: DocumentRecord = {
        key: write.key,
        fingerprint: write.fingerprint,
        by: write.by,
        outcome: { kind: applies ? 'applied' : 'conflict', base_version: write.base, doc },
        created_at_ms: now,
      };
      return { value: { record, replayed: false }, record, ...(applies ? { next: doc } : {}) };
    });
    const { record, replayed } = result;
    if (replayed && (record.fingerprint !== write.fingerprint || record.by !== write.by)) throw new AppError('idempotency_key_reused', KEY_REUSED);
    const doc = docOf(options, record.outcome.doc);
    // A conflict's current document may be another server's write whose notice has not come yet.
    if (!replayed) this.adopt(doc);
    const outcome: DocumentOutcome<T> =
      record.outcome.kind === 'applied' ? { kind: 'applied', doc } : { kind: 'conflict', base_version: record.outcome.base_version, current: doc };
    return { outcome, replayed };
  }

  /** Another server changed the document (or may have: a reconnect): read it back and announce it. */
  private reload(): void {
    const run = this.queue.then(async () => {
      try {
        this.adopt(docOf(this.options, await this.options.backend.read(this.options.name)));
        this.reloadFailing = false;
      } catch (error) {
        if (!this.reloadFailing) (this.options.log ?? ((m: string) => process.emitWarning(m)))(`${this.options.name}: reload after a change failed: ${(error as Error).message}`);
        this.reloadFailing = true;
      }
    });
    this.queue = run.catch(() => undefined);
  }

  private adopt(doc: T & { version: number }): void {
    if (doc.version <= this.doc.version) return;
    this.doc = doc;
    this.options.publish(doc.version);
  }
}

function docOf<T>(options: TeamDocumentOptions<T>, stored: StoredDocument | undefined): T & { version: number } {
  if (!stored) return { ...options.initial, version: INITIAL_DOCUMENT_VERSION };
  return { ...options.parse(stored.body), version: stored.version };
}

function bodyOf<T>(doc: T & { version: number }): T {
  const { version: _, ...body } = doc;
  return body as T;
}
