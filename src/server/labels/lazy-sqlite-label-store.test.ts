import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLabelStoreContract } from './label-store.contract.js';
import { LazySqliteLabelStore } from './lazy-sqlite-label-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-lazy-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lazy(file: string, options = {}) {
  return new LazySqliteLabelStore(file, options, () => mkdirSync(dirname(file), { recursive: true }));
}

describe('LazySqliteLabelStore', () => {
  runLabelStoreContract((options) => lazy(join(dir, `ws-${n++}`, 'labels.sqlite'), options), {
    async reopen(store, options) {
      await store.close();
      return lazy(store.location!, options);
    },
  });

  it('creates neither the folder nor the database until the first write', async () => {
    const file = join(dir, 'untouched', '.lenslet', 'labels.sqlite');
    const store = lazy(file);
    expect(await store.get('/a.jpg')).toMatchObject({ version: 1 });
    expect(await store.currentEventId()).toBe(0);
    expect(await store.changesSince(0, 10)).toEqual({ events: [], reset: false });
    expect((await store.changesSince(5, 10)).reset).toBe(true);
    expect(await store.history('/a.jpg', 5)).toEqual([]);
    expect(await store.getIdempotency('k', 0)).toBeUndefined();
    const rows = [];
    for await (const s of store.exportUnder('/')) rows.push(s);
    expect(rows).toEqual([]);
    expect(existsSync(dirname(file))).toBe(false);
    await store.commit([{ writes: [{ path: '/a.jpg', expected_version: 1, labels: { tags: [], notes: '', star: 1, flag: null }, updated_at: 'now', updated_by: 'x' }] }], 0);
    expect(existsSync(file)).toBe(true);
    expect(store.opened).toBe(true);
    await store.close();
  });

  it('[LS21] a move on an uncreated store skips every move as unlabeled and creates nothing', async () => {
    const file = join(dir, 'moved', '.lenslet', 'labels.sqlite');
    const store = lazy(file);
    expect(await store.move([{ from: '/a.jpg', to: '/b.jpg' }], { updated_at: 'now', updated_by: 'watcher' })).toEqual([
      { status: 'skipped', reason: 'unlabeled' },
    ]);
    expect(existsSync(dirname(file))).toBe(false);
    await store.close();
  });

  it('[LS16] is created by seeding only when there is a seed row', async () => {
    const file = join(dir, 'seeded', '.lenslet', 'labels.sqlite');
    const store = lazy(file);
    const stamp = { updated_at: 'now', updated_by: 'table' };
    expect(await store.seedDefaults([], stamp)).toEqual({ inserted: [] });
    expect(existsSync(dirname(file))).toBe(false);
    expect(await store.seedDefaults([{ path: '/a.jpg', tags: ['t'], notes: '', star: 2, flag: null }], stamp)).toEqual({ inserted: ['/a.jpg'] });
    expect(existsSync(file)).toBe(true);
    expect(await store.currentEventId()).toBe(0);
    await store.close();
  });
});
