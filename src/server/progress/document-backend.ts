/**
 * Where the team documents (settings, assignments) live: a workspace SQLite file, or PostgreSQL
 * shared by every server of the dataset. A document is a version and a JSON body; an applied or
 * refused write is recorded under its Idempotency-Key in the same transaction, so a retry (after a
 * restart, or on another server) gets the first answer.
 */
export interface StoredDocument {
  version: number;
  body: unknown;
}

/** A write's answer as recorded: the document it applied, or the current one it conflicted with. */
export interface DocumentRecord {
  key: string;
  fingerprint: string;
  /** Who wrote: the key is the client's, and another caller's reuse of it is refused. */
  by: string;
  outcome: { kind: 'applied' | 'conflict'; base_version: number; doc: StoredDocument };
  created_at_ms: number;
}

export interface DocumentDecision<T> {
  value: T;
  next?: StoredDocument;
  record?: DocumentRecord;
}

export interface DocumentBackend {
  readonly persistent: boolean;
  read(name: string): Promise<StoredDocument | undefined>;
  /**
   * Runs `decide` on the stored document and the live record under `key` (if any) inside one
   * transaction (a row lock on PostgreSQL), then stores what it decided, and drops records older
   * than `ttlMs`.
   */
  update<T>(name: string, key: string, nowMs: number, ttlMs: number, decide: (stored: StoredDocument | undefined, recorded: DocumentRecord | undefined) => DocumentDecision<T>): Promise<T>;
  /** Calls `onChange(name)` when another process may have changed a document (and after a reconnect, with null). */
  watch(onChange: (name: string | null) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A record's row, the same in SQLite and PostgreSQL. */
export interface KeyRow {
  key: string;
  fingerprint: string;
  by_name: string;
  outcome: string;
  created_at_ms: number | string;
}

export function recordOf(row: KeyRow): DocumentRecord {
  return { key: row.key, fingerprint: row.fingerprint, by: row.by_name, outcome: JSON.parse(row.outcome), created_at_ms: Number(row.created_at_ms) };
}
