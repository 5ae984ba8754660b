import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
import { type DocumentBackend, type DocumentDecision, type DocumentRecord, type KeyRow, recordOf, type StoredDocument } from './document-backend.js';

/** `<workspace>/team.sqlite`, one numbered step per entry (`PRAGMA user_version`); append only. */
export const TEAM_SQLITE_MIGRATIONS: readonly string[] = [
  // 1: versioned documents and the idempotency records of their writes.
  `
  CREATE TABLE documents (name TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE document_keys (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    by_name TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX document_keys_by_age ON document_keys (created_at_ms);
  `,
];


/**
 * The team documents in a SQLite file of the workspace, created on the first write (browsing
 * creates nothing), or in memory when `file` is null (`--no-write`). One process owns the file.
 */
export class SqliteDocumentBackend implements DocumentBackend {
  private db: Database.Database | undefined;

  constructor(
    private readonly file: string | null,
    private readonly ensureDir: () => Promise<void> = async () => {},
  ) {}

  get persistent(): boolean {
    return this.file !== null;
  }

  async read(name: string): Promise<StoredDocument | undefined> {
    const db = this.opened(false);
    const row = db?.prepare('SELECT version, body FROM documents WHERE name = ?').get(name) as { version: number; body: string } | undefined;
    return row && { version: row.version, body: JSON.parse(row.body) };
  }

  async update<T>(
    name: string,
    key: string,
    nowMs: number,
    ttlMs: number,
    decide: (stored: StoredDocument | undefined, recorded: DocumentRecord | undefined) => DocumentDecision<T>,
  ): Promise<T> {
    if (this.file && !this.db) await this.ensureDir();
    const db = this.opened(true)!;
    const run = db.transaction(() => {
      db.prepare('DELETE FROM document_keys WHERE created_at_ms <= ?').run(nowMs - ttlMs);
      const row = db.prepare('SELECT version, body FROM documents WHERE name = ?').get(name) as { version: number; body: string } | undefined;
      const keyRow = db.prepare('SELECT key, fingerprint, by_name, outcome, created_at_ms FROM document_keys WHERE key = ?').get(key) as KeyRow | undefined;
      const decision = decide(row && { version: row.version, body: JSON.parse(row.body) }, keyRow && recordOf(keyRow));
      if (decision.next) {
        db.prepare('INSERT INTO documents (name, version, body, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, body = excluded.body, updated_at = excluded.updated_at').run(
          name,
          decision.next.version,
          JSON.stringify(decision.next.body),
          new Date(nowMs).toISOString(),
        );
      }
      const r = decision.record;
      if (r) {
        db.prepare('INSERT INTO document_keys (key, name, fingerprint, by_name, outcome, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
          r.key,
          name,
          r.fingerprint,
          r.by,
          JSON.stringify(r.outcome),
          r.created_at_ms,
        );
      }
      return decision.value;
    });
    return run.immediate();
  }

  async watch(): Promise<() => Promise<void>> {
    return async () => {};
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }

  private opened(create: boolean): Database.Database | undefined {
    if (this.db) return this.db;
    // Nothing written yet (no file, or memory never written to): nothing to read, and nothing opened.
    if (!create && (this.file === null || !existsSync(this.file))) return undefined;
    const db = new (sqlite())(this.file ?? ':memory:');
    db.pragma('journal_mode = WAL');
    // Acknowledged means on disk, as for labels.
    db.pragma('synchronous = FULL');
    const done = db.pragma('user_version', { simple: true }) as number;
    for (let step = done; step < TEAM_SQLITE_MIGRATIONS.length; step++) {
      db.transaction(() => {
        db.exec(TEAM_SQLITE_MIGRATIONS[step]!);
        db.pragma(`user_version = ${step + 1}`);
      })();
    }
    this.db = db;
    return db;
  }
}
