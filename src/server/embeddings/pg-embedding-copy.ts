import { sqlite as loadSqlite } from '../lib/sqlite.js';
import type pg from 'pg';
import { notify, type PgConnection } from '../postgres/pg-connection.js';
import { EMBEDDINGS_CHANNEL, PgEmbeddingStore } from './pg-embedding-store.js';

export interface CopiedEmbeddings {
  embeddings: number;
  vectors: number;
  copied: boolean;
}

interface FileEmbedding {
  name: string;
  dim: number;
  paths: string[];
  vectors: Buffer[];
}

/** Rows per INSERT: a chunk of 4096-d vectors is 8 MB of bytea. */
const CHUNK = 500;

/**
 * `lenslet migrate` (EM10): reads `<workspace>/embeddings.sqlite` (only read) and readies the
 * schema; the step it returns copies every vector into the dataset as one part of the caller's
 * transaction, in the file's order (the slots' order), then counts them back. A dataset holding
 * exactly these vectors already is left alone (`copied: false`); one holding any other vectors is
 * refused, since the copy would mix two workers' vectors under one name.
 */
export async function prepareEmbeddingsCopy(file: string, db: PgConnection): Promise<(client: pg.PoolClient) => Promise<CopiedEmbeddings>> {
  const found = readEmbeddingsFile(file);
  const total = found.reduce((n, e) => n + e.paths.length, 0);
  if (total === 0) return async () => ({ embeddings: 0, vectors: 0, copied: false });
  await PgEmbeddingStore.open(db);
  return async (client) => {
    const { dataset } = db;
    // The clock row first: a PUT on a running server waits for this copy, and the copy for it.
    const stamp = Number(
      (
        await client.query<{ last: string }>(
          `INSERT INTO lenslet_embedding_clock (dataset, last) VALUES ($1, 1)
           ON CONFLICT (dataset) DO UPDATE SET last = lenslet_embedding_clock.last + 1 RETURNING last`,
          [dataset],
        )
      ).rows[0]!.last,
    );
    const held = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM lenslet_embedding_vectors WHERE dataset = $1', [dataset])).rows[0]!.n);
    if (held > 0) {
      if (held === total && (await sameVectors(client, dataset, found))) return { embeddings: found.length, vectors: total, copied: false };
      throw new Error(`dataset ${db.datasetId} already has other embedding vectors in PostgreSQL (${held}); not mixing them with the workspace's`);
    }
    for (const e of found) {
      await client.query('INSERT INTO lenslet_embeddings (dataset, name, dim) VALUES ($1, $2, $3) ON CONFLICT (dataset, name) DO UPDATE SET dim = EXCLUDED.dim', [dataset, e.name, e.dim]);
      for (let at = 0; at < e.paths.length; at += CHUNK) {
        await client.query(
          `INSERT INTO lenslet_embedding_vectors (dataset, embedding, path, vector, changed)
           SELECT $1, $2, t.path, t.vector, $3 FROM unnest($4::text[], $5::bytea[]) WITH ORDINALITY AS t(path, vector, n) ORDER BY t.n`,
          [dataset, e.name, stamp, e.paths.slice(at, at + CHUNK), e.vectors.slice(at, at + CHUNK)],
        );
      }
    }
    const copied = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM lenslet_embedding_vectors WHERE dataset = $1', [dataset])).rows[0]!.n);
    if (copied !== total) throw new Error(`copied ${copied} embedding vectors of ${total}`);
    await notify(client, EMBEDDINGS_CHANNEL, String(dataset));
    return { embeddings: found.length, vectors: total, copied: true };
  };
}

function readEmbeddingsFile(file: string): FileEmbedding[] {
  const sqlite = new (loadSqlite())(file, { readonly: true, fileMustExist: true });
  try {
    const names = sqlite.prepare('SELECT name, dim FROM embeddings ORDER BY name').all() as { name: string; dim: number }[];
    const rows = sqlite.prepare('SELECT path, vector FROM vectors WHERE embedding = ? ORDER BY rowid');
    return names.map(({ name, dim }) => {
      const e: FileEmbedding = { name, dim, paths: [], vectors: [] };
      for (const row of rows.iterate(name) as Iterable<{ path: string; vector: Buffer }>) {
        e.paths.push(row.path);
        e.vectors.push(row.vector);
      }
      return e;
    });
  } finally {
    sqlite.close();
  }
}

async function sameVectors(client: pg.PoolClient, dataset: number, found: FileEmbedding[]): Promise<boolean> {
  for (const e of found) {
    const dim = (await client.query<{ dim: number }>('SELECT dim FROM lenslet_embeddings WHERE dataset = $1 AND name = $2', [dataset, e.name])).rows[0]?.dim;
    if (dim !== e.dim) return false;
    const stored = await client.query<{ path: string; vector: Buffer }>('SELECT path, vector FROM lenslet_embedding_vectors WHERE dataset = $1 AND embedding = $2', [dataset, e.name]);
    const byPath = new Map(stored.rows.map((r) => [r.path, r.vector]));
    if (byPath.size !== e.paths.length || e.paths.some((p, i) => !byPath.get(p)?.equals(e.vectors[i]!))) return false;
  }
  return true;
}
