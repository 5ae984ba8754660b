import type Database from 'better-sqlite3';
import { sqlite } from '../../lib/sqlite.js';

/**
 * Which Python versions of which items are already in the labels database, so a second
 * `lenslet import --from-python` writes nothing new (and a later one writes only what the Python
 * Lenslet recorded since). Kept in the labels database itself, in a table of its own that the
 * label store never reads: a workspace deleted or restored from a backup takes its marks with it.
 */
export class ImportMarks {
  private readonly db: Database.Database;
  private readonly getStmt;
  private readonly putStmt;

  constructor(labelsDb: string) {
    this.db = new (sqlite())(labelsDb, { fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS python_import_marks (path TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    this.getStmt = this.db.prepare<[string], { version: number }>('SELECT version FROM python_import_marks WHERE path = ?');
    this.putStmt = this.db.prepare<[string, number]>(
      'INSERT INTO python_import_marks (path, version) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET version = max(version, excluded.version)',
    );
  }

  /** The highest Python version of `path` imported so far; 0 for none. */
  imported(path: string): number {
    return this.getStmt.get(path)?.version ?? 0;
  }

  mark(entries: ReadonlyMap<string, number>): void {
    const tx = this.db.transaction(() => {
      for (const [path, version] of entries) this.putStmt.run(path, version);
    });
    tx.immediate();
  }

  close(): void {
    this.db.close();
  }
}
