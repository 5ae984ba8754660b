import Database from 'better-sqlite3';
import { copyIntoFile } from '../lib/memory-then-file.js';

/** A stored hash: valid only while the file still has this size and mtime. `phash` null: it could not be decoded. */
export interface StoredHash {
  path: string;
  size: number;
  mtimeMs: number;
  phash: bigint | null;
}

const SCHEMA = 'CREATE TABLE IF NOT EXISTS phashes (path TEXT PRIMARY KEY, size INTEGER, mtime REAL, phash INTEGER)';

/**
 * Perceptual hashes by path in the workspace (`phash.sqlite`), so a restart over an unchanged tree
 * decodes nothing again. Like the fingerprint cache, it lives in memory while the workspace folder
 * does not exist (browsing alone creates no `.lenslet/`) and `persist` moves it to the file once
 * something else (a thumbnail, a label) made the folder.
 */
export class PhashStore {
  private db!: Database.Database;
  private upsert!: Database.Statement<[string, number, number, bigint | null]>;
  private deleteOne!: Database.Statement<[string]>;
  private pending: string | null;

  constructor(file: string | null) {
    this.pending = file;
    this.connect(':memory:');
    this.persist();
  }

  get onDisk(): boolean {
    return this.db.name !== ':memory:';
  }

  /** Moves the store into its file if the workspace folder exists now (cheap when there is nothing to do). */
  persist(): void {
    const file = this.pending;
    if (!file || !copyIntoFile(this.db, file, 'phashes', SCHEMA)) return;
    this.pending = null;
    this.db.close();
    this.connect(file);
  }

  /** Every stored hash, in no order (read once at start). */
  *all(): Iterable<StoredHash> {
    const rows = this.db.prepare('SELECT path, size, mtime, phash FROM phashes').safeIntegers(true).iterate() as Iterable<{ path: string; size: bigint; mtime: number; phash: bigint | null }>;
    for (const row of rows) yield { path: row.path, size: Number(row.size), mtimeMs: row.mtime, phash: row.phash === null ? null : BigInt.asUintN(64, row.phash) };
  }

  /** Writes many at once: one transaction. */
  putMany(entries: readonly StoredHash[]): void {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const e of entries) this.upsert.run(e.path, e.size, e.mtimeMs, e.phash === null ? null : BigInt.asIntN(64, e.phash));
    })();
  }

  removeMany(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.db.transaction(() => {
      for (const path of paths) this.deleteOne.run(path);
    })();
  }

  close(): void {
    if (!this.db.open) return;
    this.persist();
    this.db.close();
  }

  private connect(file: string): void {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // A hash lost in a crash is only computed again: no need to sync every commit.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.upsert = this.db.prepare(
      'INSERT INTO phashes (path, size, mtime, phash) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, phash = excluded.phash',
    );
    this.deleteOne = this.db.prepare('DELETE FROM phashes WHERE path = ?');
  }
}
