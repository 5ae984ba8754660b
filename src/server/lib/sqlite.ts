import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

const requireCjs = createRequire(import.meta.url);
let loaded: typeof Database | undefined;

/**
 * better-sqlite3, loaded on first use (issue 15): its ~14 files and native addon are not needed to
 * answer the first `/health` of a server whose state is in memory (`--no-write`) or in PostgreSQL.
 * A CommonJS package, so it can be required synchronously where a store opens in a constructor.
 */
export function sqlite(): typeof Database {
  loaded ??= requireCjs('better-sqlite3') as typeof Database;
  return loaded;
}
