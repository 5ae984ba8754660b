import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/pg.js';
import { PgConnection } from '../postgres/pg-connection.js';
import { runLabelStoreContract } from './label-store.contract.js';
import type { LabelStore } from './label-store.js';
import { PostgresLabelStore } from './postgres-label-store.js';

// One database for the file, a fresh dataset per store: datasets never see each other's rows.
let db: TestDatabase;
let n = 0;
let connections: PgConnection[] = [];
const datasetOf = new Map<LabelStore, string>();

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

async function openStore(datasetId: string, options?: Parameters<typeof PostgresLabelStore.open>[1]): Promise<LabelStore> {
  const connection = await PgConnection.open({ url: db.url, datasetId, max: 3 });
  connections.push(connection);
  const store = await PostgresLabelStore.open(connection, options);
  datasetOf.set(store, datasetId);
  return store;
}

describe('PostgresLabelStore', () => {
  runLabelStoreContract((options) => openStore(`contract-${n++}`, options), {
    async reopen(store, options) {
      await store.close();
      return openStore(datasetOf.get(store)!, options);
    },
  });
});
