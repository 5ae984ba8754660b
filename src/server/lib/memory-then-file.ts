import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';

/**
 * Caches kept in the workspace start in memory while the workspace folder does not exist (browsing
 * alone creates no `.lenslet/`) and move into their file once something else made the folder.
 * Copies the in-memory `table` (made by `schema`) into `file` and returns true, or returns false
 * when the folder is still missing; the caller then closes `db` and reconnects to `file`.
 */
export function copyIntoFile(db: Database.Database, file: string, table: string, schema: string): boolean {
  if (!existsSync(dirname(file))) return false;
  db.prepare('ATTACH DATABASE ? AS disk').run(file);
  db.exec(`${schema.replace(table, `disk.${table}`)}; INSERT OR REPLACE INTO disk.${table} SELECT * FROM main.${table}`);
  db.exec('DETACH DATABASE disk');
  return true;
}
