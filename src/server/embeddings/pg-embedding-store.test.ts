import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/pg.js';
import { PgConnection } from '../postgres/pg-connection.js';
import { runEmbeddingStoreContract } from './embedding-store.contract.js';
import type { EmbeddingStore } from './embedding-store.js';
import { PgEmbeddingStore } from './pg-embedding-store.js';

// One database for the file, a fresh dataset per store: datasets never see each other's rows.
let db: TestDatabase;
let n = 0;
let connections: PgConnection[] = [];
const datasetOf = new Map<EmbeddingStore, string>();

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(connections.map((c) => c.close()));
  connections = [];
});
afterAll(async () => {
  await db?.drop();
});

/** A store on its own connection, as one server has. */
async function open(datasetId: string): Promise<EmbeddingStore> {
  const connection = await PgConnection.open({ url: db.url, datasetId, max: 3 });
  connections.push(connection);
  const store = await PgEmbeddingStore.open(connection);
  datasetOf.set(store, datasetId);
  return store;
}

describe('PgEmbeddingStore', () => {
  runEmbeddingStoreContract(() => open(`contract-${n++}`), {
    async reopen(store) {
      await store.close();
      return open(datasetOf.get(store)!);
    },
    peer: (store) => open(datasetOf.get(store)!),
  });
});
