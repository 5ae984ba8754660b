import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLabelStoreContract } from './label-store.contract.js';
import { SqliteLabelStore } from './sqlite-label-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-sqlite-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteLabelStore', () => {
  runLabelStoreContract((options) => new SqliteLabelStore(join(dir, `labels-${n++}.sqlite`), options), {
    async reopen(store, options) {
      await store.close();
      return new SqliteLabelStore(store.location!, options);
    },
  });

  it('opens with WAL and synchronous=FULL', async () => {
    const store = new SqliteLabelStore(join(dir, 'pragmas.sqlite'));
    const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });
});
