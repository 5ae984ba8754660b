import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
import { copyIntoFile } from '../lib/memory-then-file.js';

/** A file's fingerprint as cached: valid only while the file's size and mtime are these. */
export interface CachedFingerprint {
  size: number;
  mtimeMs: number;
  hash: string;
}

const SCHEMA = 'CREATE TABLE IF NOT EXISTS fingerprints (path TEXT PRIMARY KEY, size INTEGER, mtime REAL, hash TEXT)';

/**
 * Content fingerprints by path in the workspace (`identity.sqlite`, null: memory), so a restart
 * does not rehash an unchanged tree. Its own connection: the table strategy keeps `table_ids` in
 * the same file, and WAL lets both write without blocking readers.
 *
 * Browsing a folder must not create its workspace (`.lenslet/`), so while that folder does not
 * exist the cache lives in memory, and `persist` moves it to the file once something else (labels,
 * thumbnails) has made the folder.
 */
export class FingerprintCache {
  /** Lookups answered from the cache / that needed hashing (for tests and the bench). */
  readonly stats = { hits: 0, misses: 0 };
  private db!: Database.Database;
  private selectOne!: Database.Statement<[string], { size: number; mtime: number; hash: string }>;
  private upsert!: Database.Statement<[string, number, number, string]>;
  private deleteOne!: Database.Statement<[string]>;
  /** The file still to move to once its folder exists; null once on disk (or memory only). */
  private pending: string | null;

  constructor(file: string | null) {
    this.pending = file;
    this.connect(':memory:');
    this.persist();
  }

  /** True once the cache is in its file. */
  get onDisk(): boolean {
    return this.db.name !== ':memory:';
  }

  /** Moves the cache into its file if the workspace folder exists now (cheap when there is nothing to do). */
  persist(): void {
    const file = this.pending;
    if (!file || !copyIntoFile(this.db, file, 'fingerprints', SCHEMA)) return;
    this.pending = null;
    this.db.close();
    this.connect(file);
  }

  /** The hash cached for `path` if the file still has this size and mtime (counted as a hit or miss). */
  lookup(path: string, size: number, mtimeMs: number): string | undefined {
    const row = this.entry(path);
    if (row && row.size === size && row.mtimeMs === mtimeMs) {
      this.stats.hits++;
      return row.hash;
    }
    this.stats.misses++;
    return undefined;
  }

  /** What is cached for `path`, whether or not it still matches the file (a removed file's last fingerprint). */
  entry(path: string): CachedFingerprint | undefined {
    const row = this.selectOne.get(path);
    return row ? { size: row.size, mtimeMs: row.mtime, hash: row.hash } : undefined;
  }

  put(path: string, value: CachedFingerprint): void {
    this.upsert.run(path, value.size, value.mtimeMs, value.hash);
  }

  /** Moved files keep their fingerprints under the new paths; removed ones are dropped. One transaction. */
  apply(change: { moved?: readonly { from: string; to: string }[]; removed?: readonly string[] }): void {
    this.db.transaction(() => {
      for (const path of change.removed ?? []) this.deleteOne.run(path);
      // Taken out first, then put back: moves are one permutation (a→b with b→a swaps).
      const moved = (change.moved ?? []).map(({ from, to }) => ({ to, value: this.entry(from) }));
      for (const { from } of change.moved ?? []) this.deleteOne.run(from);
      for (const { to, value } of moved) if (value) this.put(to, value);
    })();
  }

  /** Saves to the file if the workspace appeared meanwhile, then closes. */
  close(): void {
    if (!this.db.open) return;
    this.persist();
    this.db.close();
  }

  private connect(file: string): void {
    this.db = new (sqlite())(file);
    this.db.pragma('journal_mode = WAL');
    // A fingerprint lost in a crash is only computed again: no need to sync every commit.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.selectOne = this.db.prepare('SELECT size, mtime, hash FROM fingerprints WHERE path = ?');
    this.upsert = this.db.prepare(
      'INSERT INTO fingerprints (path, size, mtime, hash) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash',
    );
    this.deleteOne = this.db.prepare('DELETE FROM fingerprints WHERE path = ?');
  }
}
