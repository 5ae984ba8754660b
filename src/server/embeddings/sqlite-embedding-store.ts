import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
import { AppError } from '../app-error.js';
import { bytesOfVector, type EmbeddingChanges, type EmbeddingStore, type StoredVector, vectorOfBytes } from './embedding-store.js';

/**
 * Attached vectors in `<workspace>/embeddings.sqlite` (memory without a writable workspace), one
 * row per (embedding, path). A PUT is one transaction, committed before it is acknowledged
 * (synchronous = FULL: an acknowledged vector survives a power cut, as labels do). The file (and
 * the workspace folder) is made by the first PUT: a server nobody sends vectors to leaves no trace.
 * One process owns the file, so there is never a change from elsewhere to catch up on.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS embeddings (name TEXT PRIMARY KEY, dim INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS vectors (
  embedding TEXT NOT NULL REFERENCES embeddings(name),
  path TEXT NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (embedding, path)
) STRICT;
`;

export class SqliteEmbeddingStore implements EmbeddingStore {
  private db: Database.Database | undefined;

  constructor(private readonly file: string | null) {
    // In memory, nothing is opened until the first PUT: an empty store reads as none.
    if (file !== null && existsSync(file)) this.db = open(file);
  }

  get location(): string {
    return this.file ?? 'memory';
  }

  async cursor(): Promise<number> {
    return 0;
  }

  async embeddings(): Promise<{ name: string; dim: number }[]> {
    if (!this.db) return [];
    return this.db.prepare('SELECT name, dim FROM embeddings ORDER BY name').all() as { name: string; dim: number }[];
  }

  async *vectors(name: string): AsyncGenerator<StoredVector> {
    if (!this.db) return;
    // rowid order is first-insert order: an upsert's UPDATE keeps the row's rowid.
    const rows = this.db.prepare('SELECT path, vector FROM vectors WHERE embedding = ? ORDER BY rowid').iterate(name) as Iterable<{ path: string; vector: Buffer }>;
    for (const row of rows) yield { path: row.path, vector: vectorOfBytes(row.vector) };
  }

  async put(name: string, dim: number, items: readonly StoredVector[]): Promise<void> {
    if (!this.db) {
      if (this.file) mkdirSync(dirname(this.file), { recursive: true });
      this.db = open(this.file);
    }
    const db = this.db;
    const addEmbedding = db.prepare('INSERT INTO embeddings (name, dim) VALUES (?, ?) ON CONFLICT(name) DO NOTHING');
    const dimOf = db.prepare('SELECT dim FROM embeddings WHERE name = ?');
    const upsert = db.prepare(
      'INSERT INTO vectors (embedding, path, vector) VALUES (?, ?, ?) ON CONFLICT(embedding, path) DO UPDATE SET vector = excluded.vector',
    );
    db.transaction(() => {
      addEmbedding.run(name, dim);
      const stored = (dimOf.get(name) as { dim: number }).dim;
      if (stored !== dim) throw new AppError('invalid_body', `embedding ${name} has ${stored} dimensions, the vectors have ${dim}`);
      for (const item of items) upsert.run(name, item.path, bytesOfVector(item.vector));
    })();
  }

  async changesSince(cursor: number): Promise<EmbeddingChanges> {
    return { embeddings: [], cursor };
  }

  async watch(): Promise<() => Promise<void>> {
    return async () => {};
  }

  async close(): Promise<void> {
    if (this.db?.open) this.db.close();
  }
}

function open(file: string | null): Database.Database {
  const db = new (sqlite())(file ?? ':memory:');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  return db;
}
