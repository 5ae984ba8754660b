import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
import type { DatasetChange } from '../datasets/dataset-source.js';
import type { LabelMove } from '../labels/label-store.js';
import type { IdentityStrategy } from './identity-strategy.js';

/** What the strategy needs from a table source: its rows' stable ids (see `DatasetSource.identities`). */
export interface IdentitySource {
  identities(): Iterable<[path: string, id: string]> | null;
}

/** Rows written between two yields to the event loop. */
const BATCH = 10_000;

/**
 * Table mode's identity (issue 16): labels are keyed by path, and the table's id column says which
 * path an item has now. The last path of every id ever seen is kept in `table_ids` in the workspace's
 * identity database, so a table regenerated with other paths, while the server ran or not, gives
 * one move per id whose path changed. An id that vanished stays in the map (its labels stay under
 * its last path, an orphan) and moves when it comes back under another path.
 */
export class TableIdStrategy implements IdentityStrategy {
  private readonly db: Database.Database;
  /** Comparisons run one at a time: each reads the map the previous one wrote. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly source: IdentitySource,
    file: string | null,
  ) {
    if (file) mkdirSync(path.dirname(file), { recursive: true });
    this.db = new (sqlite())(file ?? ':memory:');
    // The fingerprint strategy writes the same file through its own connection.
    if (file) this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS table_ids (id TEXT PRIMARY KEY, path TEXT NOT NULL)');
  }

  initial(): Promise<LabelMove[]> {
    return this.enqueue();
  }

  /**
   * A table is reloaded whole, so the change's lists are not needed: every id is compared. A swap
   * of two rows' paths keeps both paths in the catalog, so its moves name paths that are neither
   * added nor removed.
   */
  movesFor(_change: DatasetChange): Promise<LabelMove[]> {
    return this.enqueue();
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    if (this.db.open) this.db.close();
  }

  private enqueue(): Promise<LabelMove[]> {
    const run = this.queue.then(() => this.compare());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Compares the source's ids with the map and records them: one read of the map, one pass over
   * the rows, and writes only for ids that are new or moved, in one transaction. (A temp table and a
   * join did the same in SQL, but inserting every row into it cost ~5x more at 1M rows.)
   */
  private async compare(): Promise<LabelMove[]> {
    const pairs = this.source.identities();
    if (!pairs || !this.db.open) return [];
    const db = this.db;
    const known = new Map<string, string>();
    for (const [id, p] of db.prepare('SELECT id, path FROM table_ids').raw().iterate() as Iterable<[string, string]>) known.set(id, p);
    const moves: LabelMove[] = [];
    const upsert = db.prepare('INSERT INTO table_ids (id, path) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path');
    const forget = db.prepare('DELETE FROM table_ids WHERE id = ?');
    // One transaction across yields: nothing else writes through this connection meanwhile.
    db.exec('BEGIN IMMEDIATE');
    try {
      let n = 0;
      for (const [p, id] of pairs) {
        const before = known.get(id);
        if (before !== p) {
          if (before !== undefined) moves.push({ from: before, to: p });
          upsert.run(id, p);
        }
        known.delete(id); // what is left at the end: the orphans
        if (++n % BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (known.size > 0) {
        // An orphan whose path another row has now: the labels under that path are that row's.
        const orphanAt = new Map<string, string>();
        for (const [id, p] of known) orphanAt.set(p, id);
        for (const [p] of this.source.identities() ?? []) {
          const orphan = orphanAt.get(p);
          if (orphan !== undefined) forget.run(orphan);
        }
      }
      db.exec('COMMIT');
      return moves;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}
