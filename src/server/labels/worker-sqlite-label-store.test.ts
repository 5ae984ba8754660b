import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLabelStoreContract } from './label-store.contract.js';
import { WorkerSqliteLabelStore } from './worker-sqlite-label-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-worker-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WorkerSqliteLabelStore', () => {
  runLabelStoreContract((options) => new WorkerSqliteLabelStore(join(dir, `ws-${n++}`, 'labels.sqlite'), options), {
    async reopen(store, options) {
      await store.close();
      return new WorkerSqliteLabelStore(store.location!, options);
    },
  });

  it('creates the database on the first write, and rejects calls after close', async () => {
    const file = join(dir, 'lazy', 'labels.sqlite');
    const store = new WorkerSqliteLabelStore(file);
    expect(await store.currentEventId()).toBe(0);
    expect(existsSync(file)).toBe(false);
    await store.commit([{ writes: [{ path: '/a.jpg', expected_version: 1, labels: { tags: [], notes: '', star: 1, flag: null }, updated_at: 't', updated_by: 'u' }] }], 0);
    expect(existsSync(file)).toBe(true);
    await store.close();
    await expect(store.get('/a.jpg')).rejects.toThrow('closed');
  });

  it('[LS16] is created by seeding only when there is a seed row', async () => {
    const file = join(dir, 'seeded', 'labels.sqlite');
    const store = new WorkerSqliteLabelStore(file);
    const stamp = { updated_at: 'now', updated_by: 'table' };
    expect(await store.seedDefaults([], stamp)).toEqual({ inserted: [] });
    expect(existsSync(file)).toBe(false);
    expect(await store.seedDefaults([{ path: '/a.jpg', tags: ['t'], notes: '', star: 2, flag: null }], stamp)).toEqual({ inserted: ['/a.jpg'] });
    expect(existsSync(file)).toBe(true);
    expect(await store.get('/a.jpg')).toMatchObject({ tags: ['t'], star: 2, version: 1 });
    await store.close();
  });

  it('passes a failure in the worker back to the caller, and keeps serving', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'not a folder');
    const store = new WorkerSqliteLabelStore(join(blocker, 'labels.sqlite'));
    expect(await store.currentEventId()).toBe(0);
    const write = { path: '/a.jpg', expected_version: 1, labels: { tags: [], notes: '', star: 1, flag: null }, updated_at: 't', updated_by: 'u' };
    await expect(store.commit([{ writes: [write] }], 0)).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect((await store.get('/a.jpg')).version).toBe(1);
    await store.close();
  });
});
