import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { runEmbeddingStoreContract } from './embedding-store.contract.js';
import type { EmbeddingStore } from './embedding-store.js';
import { SqliteEmbeddingStore } from './sqlite-embedding-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-emb-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const files = new Map<EmbeddingStore, string>();

function open(file: string): EmbeddingStore {
  const store = new SqliteEmbeddingStore(file);
  files.set(store, file);
  return store;
}

describe('SqliteEmbeddingStore', () => {
  runEmbeddingStoreContract(async () => open(path.join(dir, `ws-${n++}`, 'embeddings.sqlite')), {
    async reopen(store) {
      await store.close();
      return open(files.get(store)!);
    },
  });
});
