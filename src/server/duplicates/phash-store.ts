import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
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
 * something else (a thumbnail, a label) made the folder. Nothing is opened until the first use (the
 * pass that starts once the dataset is indexed): opening SQLite cost ~25 ms before the server listened.
 */
export class PhashStore {
  private opened: Database.Database | undefined;
  private upsert!: Database.Statement<[string, number, number, bigint | null]>;
  private deleteOne!: Database.Statement<[string]>;
  private pending: string | null;

  constructor(file: string | null) {
    this.pending = file;
  }

  get onDisk(): boolean {
    return this.db.name !== ':memory:';
  }

  private get db(): Database.Database {
    if (!this.opened) {
      this.connect(':memory:');
      this.persist();
    }
    return this.opened!;
  }

  /** Moves the store into its file if the workspace folder exists now (cheap when there is nothing to do). */
  persist(): void {
    const file = this.pending;
    // Not opened yet: nothing to move, the first use opens it where it belongs.
    if (!file || !this.opened || !copyIntoFile(this.db, file, 'phashes', SCHEMA)) return;
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
    if (!this.opened?.open) return;
    this.persist();
    this.db.close();
  }

  private connect(file: string): void {
    const db = new (sqlite())(file);
    this.opened = db;
    db.pragma('journal_mode = WAL');
    // A hash lost in a crash is only computed again: no need to sync every commit.
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    this.upsert = db.prepare(
      'INSERT INTO phashes (path, size, mtime, phash) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, phash = excluded.phash',
    );
    this.deleteOne = db.prepare('DELETE FROM phashes WHERE path = ?');
  }
}
