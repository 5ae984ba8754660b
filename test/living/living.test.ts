import { afterEach, describe, expect, it } from 'vitest';
import type { ItemChanged, ItemMoved, ItemsChangedSet } from '../../src/protocol/events.js';
import type { HistoryResponse } from '../../src/protocol/history.js';
import type { FingerprintStrategy } from '../../src/server/identity/fingerprint-strategy.js';
import { encodeImage, type TreeSpec } from '../factories/image-tree.js';
import { eventMatching, fingerprinted, startLiving, type LivingServer } from './support.js';

/** Distinct colours: distinct bytes, so each file has its own fingerprint. */
const img = (r: number) => ({ w: 24, h: 16, color: { r, g: 90, b: 30 } });
const TREE: TreeSpec = {
  'shoot/a.png': img(10),
  'shoot/b.png': img(20),
  'shoot/c.png': img(30),
  'keep/d.png': img(40),
};

const open: LivingServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function living(tree: TreeSpec = TREE): Promise<LivingServer> {
  const s = await startLiving(tree);
  open.push(s);
  return s;
}

async function history(s: LivingServer, path: string): Promise<HistoryResponse> {
  const response = await fetch(`${s.server.url}/item/history?path=${encodeURIComponent(path)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as HistoryResponse;
}

async function item(s: LivingServer, path: string) {
  const response = await fetch(`${s.server.url}/item?path=${encodeURIComponent(path)}`);
  return { status: response.status, body: (await response.json()) as { version: number; star: number | null; tags: string[] } };
}

describe('living datasets: labels follow moved files (issue 16)', () => {
  it('ID2 ID6 a moved labeled file keeps its labels at version + 1, its history shows the move, and browsers get item-moved with an id', async () => {
    const s = await living();
    const version = await s.star('/shoot/a.png', 4, ['keeper']);
    s.move('/shoot/a.png', '/picked/a-final.png');
    const moved = await eventMatching<ItemMoved>(s.sse, 'item-moved', (d) => d.to === '/picked/a-final.png');
    expect(moved.id).not.toBeNull();
    expect(moved.data).toMatchObject({ from: '/shoot/a.png', to: '/picked/a-final.png', version: version + 1, star: 4, tags: ['keeper'] });
    expect((await item(s, '/picked/a-final.png')).body).toMatchObject({ star: 4, tags: ['keeper'], version: version + 1 });
    expect((await item(s, '/shoot/a.png')).status).toBe(404);
    const entries = (await history(s, '/picked/a-final.png')).entries;
    expect(entries[0]).toMatchObject({ type: 'item-moved', version: version + 1, changes: { moved: { from: '/shoot/a.png', to: '/picked/a-final.png' } } });
    expect(entries.slice(1).map((e) => e.version)).toEqual([version]);
    // A move is not an addition or a removal.
    expect(s.sse.events('items-added').concat(s.sse.events('items-removed'))).toEqual([]);
  });

  it('ID2 ID6 a renamed folder carries the labels of every file in it, and an unlabeled file is announced once without an id', async () => {
    const s = await living();
    const va = await s.star('/shoot/a.png', 2);
    const vb = await s.star('/shoot/b.png', 5, ['blue']);
    s.move('/shoot', '/shoot-2024');
    const a = await eventMatching<ItemMoved>(s.sse, 'item-moved', (d) => d.to === '/shoot-2024/a.png');
    const b = await eventMatching<ItemMoved>(s.sse, 'item-moved', (d) => d.to === '/shoot-2024/b.png');
    const c = await eventMatching<ItemMoved>(s.sse, 'item-moved', (d) => d.to === '/shoot-2024/c.png');
    expect([a.data.version, b.data.version]).toEqual([va + 1, vb + 1]);
    expect([a.id, b.id].every((id) => id !== null)).toBe(true);
    expect(c).toMatchObject({ id: null, data: { from: '/shoot/c.png', version: 1, star: null } });
    expect((await item(s, '/shoot-2024/b.png')).body).toMatchObject({ star: 5, tags: ['blue'], version: vb + 1 });
  });

  it('ID7 ID9 added and deleted files are announced within 2 s', async () => {
    const s = await living();
    const started = performance.now();
    s.write('/fresh/new.png', await encodeImage('png', img(200)));
    const added = await eventMatching<ItemsChangedSet>(s.sse, 'items-added', (d) => d.paths.includes('/fresh/new.png'), 2000);
    expect(added.receivedAt - started).toBeLessThan(2000);
    expect(added.data).toMatchObject({ count: 1, folders: ['/', '/fresh'] });
    const removedAt = performance.now();
    s.remove('/keep/d.png');
    const removed = await eventMatching<ItemsChangedSet>(s.sse, 'items-removed', (d) => d.paths.includes('/keep/d.png'), 2000);
    expect(removed.receivedAt - removedAt).toBeLessThan(2000);
    expect(removed.data).toMatchObject({ count: 1, folders: ['/', '/keep'] });
    expect((await item(s, '/fresh/new.png')).status).toBe(200);
  });

  it('ID7 a rewritten file gets item-changed and a new thumbnail, and keeps its labels', async () => {
    const s = await living();
    const version = await s.star('/keep/d.png', 3);
    const before = Buffer.from(await (await fetch(`${s.server.url}/thumb?path=/keep/d.png`)).arrayBuffer());
    s.write('/keep/d.png', await encodeImage('png', { w: 30, h: 30, color: { r: 0, g: 250, b: 0 } }));
    const changed = await eventMatching<ItemChanged>(s.sse, 'item-changed', (d) => d.path === '/keep/d.png');
    expect(changed.id).toBeNull();
    const after = Buffer.from(await (await fetch(`${s.server.url}/thumb?path=/keep/d.png&v=${changed.data.stamp}`)).arrayBuffer());
    expect(after.equals(before)).toBe(false);
    expect((await item(s, '/keep/d.png')).body).toMatchObject({ star: 3, version });
  });

  it('ID2 identical files side by side keep separate labels', async () => {
    const same = img(77);
    const s = await living({ 'one.png': same, 'two.png': same });
    await s.star('/one.png', 1);
    s.write('/three.png', await encodeImage('png', same));
    await eventMatching<ItemsChangedSet>(s.sse, 'items-added', (d) => d.paths.includes('/three.png'));
    expect(s.sse.events('item-moved')).toEqual([]);
    expect((await item(s, '/one.png')).body).toMatchObject({ star: 1 });
    expect((await item(s, '/two.png')).body).toMatchObject({ star: null, version: 1 });
    expect((await item(s, '/three.png')).body).toMatchObject({ star: null, version: 1 });
  });

  it('ID1 a restart over an unchanged tree hashes nothing again', async () => {
    const first = await living();
    // Labels make the workspace's files; the fingerprints then live there too.
    await first.star('/keep/d.png', 1);
    await fingerprinted(first.server);
    const misses = (first.server.services.living.strategy as FingerprintStrategy).cacheStats.misses;
    expect(misses).toBeGreaterThanOrEqual(4);
    await first.stop();
    const again = await startLiving({}, { dir: first.dir, workspace: first.workspace });
    open.push(again);
    const stats = (again.server.services.living.strategy as FingerprintStrategy).cacheStats;
    expect(stats).toEqual({ hits: 4, misses: 0 });
  });

  it('ID4 labels follow a file moved while the server was stopped', async () => {
    const first = await living();
    const version = await first.star('/shoot/b.png', 5, ['offline']);
    await fingerprinted(first.server);
    await first.stop();
    first.move('/shoot/b.png', '/archive/b-renamed.png');
    const again = await startLiving({}, { dir: first.dir, workspace: first.workspace });
    open.push(again);
    expect((await item(again, '/archive/b-renamed.png')).body).toMatchObject({ star: 5, tags: ['offline'], version: version + 1 });
    expect((await item(again, '/shoot/b.png')).status).toBe(404);
    const entries = (await history(again, '/archive/b-renamed.png')).entries;
    expect(entries[0]).toMatchObject({ type: 'item-moved', changes: { moved: { from: '/shoot/b.png', to: '/archive/b-renamed.png' } } });
  });

  it('ID3 a labeled file deleted and later put back under another name gets its labels back', async () => {
    const s = await living();
    const version = await s.star('/keep/d.png', 2, ['back']);
    const bytes = await encodeImage('png', img(40));
    s.remove('/keep/d.png');
    await eventMatching<ItemsChangedSet>(s.sse, 'items-removed', (d) => d.paths.includes('/keep/d.png'));
    expect(s.sse.events('item-moved')).toEqual([]);
    s.write('/restored/d-copy.png', bytes);
    const moved = await eventMatching<ItemMoved>(s.sse, 'item-moved', (d) => d.to === '/restored/d-copy.png');
    expect(moved.data).toMatchObject({ from: '/keep/d.png', star: 2, tags: ['back'], version: version + 1 });
  });
});
