import type pg from 'pg';
import { AppError } from '../app-error.js';
import { notify, type PgConnection } from '../postgres/pg-connection.js';
import { bytesOfVector, type EmbeddingChanges, type EmbeddingStore, type StoredVector, vectorOfBytes } from './embedding-store.js';

/** Wakes the other servers of a dataset after a PUT; the payload is the dataset's key. */
export const EMBEDDINGS_CHANNEL = 'lenslet_embeddings';

/**
 * `changed` is the dataset's embedding clock at the writing transaction: a PUT takes it by
 * updating its clock row, which holds the row lock until commit, so stamps become visible strictly
 * in order and a server that has read stamp N has missed nothing below it (a sequence would hand
 * out stamps that commit out of order). `id` keeps first-insert order for the slots.
 */
export const EMBEDDINGS_PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE lenslet_embeddings (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    name TEXT NOT NULL,
    dim INTEGER NOT NULL,
    PRIMARY KEY (dataset, name)
  );
  CREATE TABLE lenslet_embedding_vectors (
    id BIGSERIAL NOT NULL,
    dataset INTEGER NOT NULL,
    embedding TEXT NOT NULL,
    path TEXT NOT NULL,
    vector BYTEA NOT NULL,
    changed BIGINT NOT NULL,
    PRIMARY KEY (dataset, embedding, path),
    FOREIGN KEY (dataset, embedding) REFERENCES lenslet_embeddings (dataset, name)
  );
  CREATE INDEX lenslet_embedding_vectors_slots ON lenslet_embedding_vectors (dataset, embedding, id);
  CREATE INDEX lenslet_embedding_vectors_changed ON lenslet_embedding_vectors (dataset, changed);
  CREATE TABLE lenslet_embedding_clock (
    dataset INTEGER PRIMARY KEY REFERENCES lenslet_datasets (key),
    last BIGINT NOT NULL
  );
  `,
];

/** Rows per INSERT and per page read: a page of 4096-d vectors is 8 MB as bytea. */
const PAGE = 500;

/** Attached vectors in PostgreSQL, shared by every server of the dataset (EM8). */
export class PgEmbeddingStore implements EmbeddingStore {
  private constructor(private readonly db: PgConnection) {}

  static async open(db: PgConnection): Promise<PgEmbeddingStore> {
    await db.migrate('embeddings', EMBEDDINGS_PG_MIGRATIONS);
    return new PgEmbeddingStore(db);
  }

  get location(): string {
    return `${this.db.location} (dataset ${this.db.datasetId})`;
  }

  async cursor(): Promise<number> {
    const found = await this.db.query<{ last: string }>('SELECT last FROM lenslet_embedding_clock WHERE dataset = $1', [this.db.dataset]);
    return Number(found.rows[0]?.last ?? 0);
  }

  async embeddings(): Promise<{ name: string; dim: number }[]> {
    const found = await this.db.query<{ name: string; dim: number }>('SELECT name, dim FROM lenslet_embeddings WHERE dataset = $1 ORDER BY name', [this.db.dataset]);
    return found.rows;
  }

  async *vectors(name: string): AsyncGenerator<StoredVector> {
    // Pages by id: a million vectors are never one result in memory.
    let after = 0;
    for (;;) {
      const page = await this.db.query<{ id: string; path: string; vector: Buffer }>(
        'SELECT id, path, vector FROM lenslet_embedding_vectors WHERE dataset = $1 AND embedding = $2 AND id > $3 ORDER BY id LIMIT $4',
        [this.db.dataset, name, after, PAGE],
      );
      for (const row of page.rows) yield { path: row.path, vector: vectorOfBytes(row.vector) };
      if (page.rows.length < PAGE) return;
      after = Number(page.rows[page.rows.length - 1]!.id);
    }
  }

  async put(name: string, dim: number, items: readonly StoredVector[]): Promise<void> {
    const { dataset } = this.db;
    // One row per path (the last vector given wins, as in SQLite): an INSERT may not touch a row twice.
    const byPath = new Map<string, Float32Array>();
    for (const item of items) byPath.set(item.path, item.vector);
    const paths = [...byPath.keys()];
    await this.db.tx(async (client) => {
      const stamp = await this.tick(client);
      await client.query('INSERT INTO lenslet_embeddings (dataset, name, dim) VALUES ($1, $2, $3) ON CONFLICT (dataset, name) DO NOTHING', [dataset, name, dim]);
      const stored = (await client.query<{ dim: number }>('SELECT dim FROM lenslet_embeddings WHERE dataset = $1 AND name = $2', [dataset, name])).rows[0]!.dim;
      if (stored !== dim) throw new AppError('invalid_body', `embedding ${name} has ${stored} dimensions, the vectors have ${dim}`);
      for (let at = 0; at < paths.length; at += PAGE) {
        const chunk = paths.slice(at, at + PAGE);
        await client.query(
          `INSERT INTO lenslet_embedding_vectors (dataset, embedding, path, vector, changed)
           SELECT $1, $2, t.path, t.vector, $3 FROM unnest($4::text[], $5::bytea[]) WITH ORDINALITY AS t(path, vector, n) ORDER BY t.n
           ON CONFLICT (dataset, embedding, path) DO UPDATE SET vector = EXCLUDED.vector, changed = EXCLUDED.changed`,
          [dataset, name, stamp, chunk, chunk.map((p) => bytesOfVector(byPath.get(p)!))],
        );
      }
      await notify(client, EMBEDDINGS_CHANNEL, String(dataset));
    });
  }

  async changesSince(cursor: number): Promise<EmbeddingChanges> {
    const found = await this.db.query<{ name: string; dim: number; path: string; vector: Buffer; changed: string }>(
      `SELECT e.name, e.dim, v.path, v.vector, v.changed FROM lenslet_embedding_vectors v
       JOIN lenslet_embeddings e ON e.dataset = v.dataset AND e.name = v.embedding
       WHERE v.dataset = $1 AND v.changed > $2 ORDER BY v.changed, v.id`,
      [this.db.dataset, cursor],
    );
    const byName = new Map<string, EmbeddingChanges['embeddings'][number]>();
    let last = cursor;
    for (const row of found.rows) {
      const entry = byName.get(row.name) ?? { name: row.name, dim: row.dim, vectors: [] };
      byName.set(row.name, entry);
      entry.vectors.push({ path: row.path, vector: vectorOfBytes(row.vector) });
      last = Math.max(last, Number(row.changed));
    }
    return { embeddings: [...byName.values()], cursor: last };
  }

  async watch(onChange: () => void): Promise<() => Promise<void>> {
    const mine = String(this.db.dataset);
    return this.db.listen(
      EMBEDDINGS_CHANNEL,
      (payload) => {
        if (payload === mine) onChange();
      },
      onChange,
    );
  }

  /** The connection is the server's, shared with the other stores: closing the store leaves it open. */
  async close(): Promise<void> {}

  /** Takes the next stamp, holding the clock row's lock until the transaction ends. */
  private async tick(client: pg.PoolClient): Promise<number> {
    const found = await client.query<{ last: string }>(
      `INSERT INTO lenslet_embedding_clock (dataset, last) VALUES ($1, 1)
       ON CONFLICT (dataset) DO UPDATE SET last = lenslet_embedding_clock.last + 1 RETURNING last`,
      [this.db.dataset],
    );
    return Number(found.rows[0]!.last);
  }
}
