import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ItemMoved, ItemsChangedSet } from '../../src/protocol/events.js';
import { openTableDataset, tableTarget } from '../../src/server/datasets/parquet-dataset.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { TableIdStrategy } from '../../src/server/identity/table-id-strategy.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { appliedItem } from '../labels/support/harness.js';
import { SseClient } from '../labels/support/sse-client.js';
import { eventMatching } from '../living/support.js';
import { writeParquet } from './parquet-fixtures.js';

/** A table regenerated with other paths but the same ids, under a running server (issue 16). */
describe('table ids under a running server', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  const writeTable = (file: string, rows: [image: string, id: string][]) =>
    writeParquet(file, [
      { name: 'image', type: 'STRING', data: rows.map(([image]) => image) },
      { name: 'image_id', type: 'STRING', data: rows.map(([, id]) => id) },
    ]);

  async function serve(file: string, workspaceDir: string, watch: boolean): Promise<RunningServer> {
    const dataset = await openTableDataset(tableTarget(file)!, { workspaceDir });
    const server = await startServer({ root: file, dataset, port: 0, webDir: null, watch, rateLimits: false, log: () => {} });
    await server.source.whenIdle();
    await server.services.living.watching;
    await server.services.living.ready;
    return server;
  }

  async function star(server: RunningServer, p: string, value: number, tags: string[]): Promise<number> {
    const service = server.services.labels!.service;
    const current = await service.getItem(p);
    return appliedItem(await service.patchItem(p, { set_star: value, add_tags: tags }, current.version, { key: `k-${p}`, actor: 'ann' })).version;
  }

  async function item(server: RunningServer, p: string) {
    const response = await fetch(`${server.url}/item?path=${encodeURIComponent(p)}`);
    return { status: response.status, body: (await response.json()) as { version: number; star: number | null; tags: string[] } };
  }

  it('TB7 labels follow ids across a restart and live; a vanished id is exported missing and re-attaches when it comes back', async () => {
    const dir = makeTempDir('lenslet-table-living-');
    const workspace = makeTempDir('lenslet-table-living-ws-');
    cleanup.push(() => removeDir(dir), () => removeDir(workspace));
    for (const name of ['a.png', 'b.png', 'c.png']) writeFileSync(path.join(dir, name), `bytes of ${name}`);
    const file = path.join(dir, 'items.parquet');
    writeTable(file, [['a.png', 'A'], ['b.png', 'B'], ['c.png', 'C']]);

    const first = await serve(file, workspace, false);
    expect(first.services.living.strategy).toBeInstanceOf(TableIdStrategy); // on even with --no-watch
    const va = await star(first, '/a.png', 4, ['keeper']);
    const vb = await star(first, '/b.png', 2, ['gone']);
    await first.close();

    // Regenerated while stopped: A under another path, B's row gone.
    mkdirSync(path.join(dir, 'new'));
    renameSync(path.join(dir, 'a.png'), path.join(dir, 'new', 'a.png'));
    writeTable(file, [['new/a.png', 'A'], ['c.png', 'C']]);
    const server = await serve(file, workspace, true);
    cleanup.push(() => server.close());
    expect((await item(server, '/new/a.png')).body).toMatchObject({ star: 4, tags: ['keeper'], version: va + 1 });
    const exported = (await (await fetch(`${server.url}/export?format=json`)).json()) as { path: string; missing?: boolean }[];
    expect(exported.find((r) => r.path === '/b.png')).toMatchObject({ star: 2, tags: ['gone'], missing: true });
    expect(exported.find((r) => r.path === '/new/a.png')).not.toHaveProperty('missing');

    // Live: the table is rewritten while watched; B comes back under another path.
    const sse = await SseClient.connect(`${server.url}/events`);
    cleanup.push(() => sse.close());
    await sse.until(() => sse.comments.includes('connected'), 5000, 'connected');
    mkdirSync(path.join(dir, 'back'));
    renameSync(path.join(dir, 'b.png'), path.join(dir, 'back', 'b.png'));
    writeTable(file, [['new/a.png', 'A'], ['c.png', 'C'], ['back/b.png', 'B'], ['c.png', 'D']]);
    const moved = await eventMatching<ItemMoved>(sse, 'item-moved', (d) => d.to === '/back/b.png');
    expect(moved.id).not.toBeNull();
    expect(moved.data).toMatchObject({ from: '/b.png', to: '/back/b.png', version: vb + 1, star: 2, tags: ['gone'] });
    expect((await item(server, '/back/b.png')).body).toMatchObject({ star: 2, tags: ['gone'], version: vb + 1 });
    // The row repeating c.png is served under a suffixed path and announced as added.
    const added = await eventMatching<ItemsChangedSet>(sse, 'items-added', () => true);
    expect(added.data.paths).toEqual(['/c-2.png']);
  });

  it('TB8 a reloaded table seeds the label columns of its new rows; a row that moved keeps the labels made here', async () => {
    const dir = makeTempDir('lenslet-table-living-');
    const workspace = makeTempDir('lenslet-table-living-ws-');
    cleanup.push(() => removeDir(dir), () => removeDir(workspace));
    for (const name of ['a.png', 'b.png', 'c.png']) writeFileSync(path.join(dir, name), `bytes of ${name}`);
    const file = path.join(dir, 'items.parquet');
    const write = (rows: [image: string, id: string, tags: string[]][]) =>
      writeParquet(file, [
        { name: 'image', type: 'STRING', data: rows.map(([image]) => image) },
        { name: 'image_id', type: 'STRING', data: rows.map(([, id]) => id) },
        { name: 'tags', type: 'STRING_LIST', data: rows.map(([, , tags]) => tags) },
      ]);
    write([['a.png', 'A', ['from-table']]]);
    const server = await serve(file, workspace, true);
    cleanup.push(() => server.close());
    await server.services.seeding?.done;
    expect((await item(server, '/a.png')).body).toMatchObject({ tags: ['from-table'], version: 1 });
    const va = await star(server, '/a.png', 5, ['made-here']);
    const sse = await SseClient.connect(`${server.url}/events`);
    cleanup.push(() => sse.close());

    // A moves to b.png (its row now says other tags); C is new with tags of its own.
    write([['b.png', 'A', ['row-says-this']], ['c.png', 'C', ['fresh']]]);
    await eventMatching<ItemMoved>(sse, 'item-moved', (d) => d.to === '/b.png');
    await eventMatching<ItemsChangedSet>(sse, 'items-added', (d) => d.paths.includes('/c.png'));
    expect((await item(server, '/b.png')).body).toMatchObject({ star: 5, tags: ['from-table', 'made-here'], version: va + 1 });
    expect((await item(server, '/c.png')).body).toMatchObject({ tags: ['fresh'], version: 1 });
  });
});
