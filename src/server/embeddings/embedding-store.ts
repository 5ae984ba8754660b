import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Where vectors attached with `PUT /embeddings` are kept (EM5): `<workspace>/embeddings.sqlite`
 * (memory without a writable workspace), one row per (embedding, path) holding the unit vector's
 * float32 bytes. A PUT is one transaction, committed before it is acknowledged (synchronous =
 * FULL: an acknowledged vector survives a power cut, as labels do). The file (and the workspace
 * folder) is made by the first PUT: a server nobody sends vectors to leaves no trace.
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

export interface StoredVector {
  path: string;
  /** `dim` unit-length floats. */
  vector: Float32Array;
}

export class EmbeddingStore {
  private db: Database.Database | undefined;

  constructor(private readonly file: string | null) {
    if (file === null || existsSync(file)) this.db = open(file);
  }

  embeddings(): { name: string; dim: number }[] {
    if (!this.db) return [];
    return this.db.prepare('SELECT name, dim FROM embeddings ORDER BY name').all() as { name: string; dim: number }[];
  }

  /** An embedding's vectors in the order they were first stored (their slots: index keys stay stable). */
  *vectors(name: string): Generator<StoredVector> {
    if (!this.db) return;
    const rows = this.db.prepare('SELECT path, vector FROM vectors WHERE embedding = ? ORDER BY rowid').iterate(name) as Iterable<{ path: string; vector: Buffer }>;
    for (const row of rows) {
      const copy = new Uint8Array(row.vector);
      yield { path: row.path, vector: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
    }
  }

  /** Stores a batch in one transaction, creating the embedding with `dim` if new. */
  put(name: string, dim: number, items: readonly StoredVector[]): void {
    if (!this.db) {
      mkdirSync(dirname(this.file!), { recursive: true });
      this.db = open(this.file);
    }
    const db = this.db;
    const addEmbedding = db.prepare('INSERT INTO embeddings (name, dim) VALUES (?, ?) ON CONFLICT(name) DO NOTHING');
    const upsert = db.prepare(
      'INSERT INTO vectors (embedding, path, vector) VALUES (?, ?, ?) ON CONFLICT(embedding, path) DO UPDATE SET vector = excluded.vector',
    );
    db.transaction(() => {
      addEmbedding.run(name, dim);
      for (const item of items) upsert.run(name, item.path, Buffer.from(item.vector.buffer, item.vector.byteOffset, item.vector.byteLength));
    })();
  }

  close(): void {
    if (this.db?.open) this.db.close();
  }
}

function open(file: string | null): Database.Database {
  const db = new Database(file ?? ':memory:');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  return db;
}
