import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ParquetSource } from '../../src/server/datasets/parquet-source.js';
import { TableIdStrategy } from '../../src/server/identity/table-id-strategy.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { appliedItem, startLabelServer } from '../labels/support/harness.js';
import { writeParquet } from './parquet-fixtures.js';

/**
 * Table ids end to end over the real label service, with the coordinator's part done by hand (the
 * server wires it in app.ts): the strategy's moves go through `LabelService.moveItems`.
 */
describe('labels follow a table row id', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) removeDir(d);
  });

  const table = (file: string, rows: [image: string, id: string][]) =>
    writeParquet(file, [
      { name: 'image', type: 'STRING', data: rows.map(([image]) => image) },
      { name: 'image_id', type: 'STRING', data: rows.map(([, id]) => id) },
    ]);

  it('TB7 regenerated with new paths: across a restart, then live; a vanished id is exported missing and comes back', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    for (const name of ['a.jpg', 'b.jpg', 'c.jpg']) writeFileSync(path.join(dir, name), name);
    const file = path.join(dir, 'items.parquet');
    const identityDb = path.join(dir, 'ws', 'identity.sqlite');
    table(file, [['a.jpg', 'id-a'], ['b.jpg', 'id-b'], ['c.jpg', 'id-c']]);

    const openSource = async () => {
      const source = await ParquetSource.open(file, { dimensionsFile: null });
      source.start();
      await source.whenIdle();
      return source;
    };
    let source = await openSource();
    let ids = new TableIdStrategy(source, identityDb);
    const server = await startLabelServer({
      dbPath: path.join(dir, 'ws', 'labels.sqlite'),
      itemExists: (p) => source.catalog.idOf(p) !== undefined,
      listen: false,
    });
    const { service } = server.system;
    try {
      expect(await ids.initial()).toEqual([]);
      appliedItem(await service.patchItem('/a.jpg', { set_star: 5 }, 1, { key: 'k1', actor: 'ann' }));
      appliedItem(await service.patchItem('/b.jpg', { add_tags: ['keep'] }, 1, { key: 'k2', actor: 'ann' }));

      // Restart over a regenerated table: a.jpg under another path, b.jpg's row gone.
      await ids.close();
      await source.close();
      table(file, [['sub/a.jpg', 'id-a'], ['c.jpg', 'id-c']]);
      source = await openSource();
      ids = new TableIdStrategy(source, identityDb);
      const moves = await ids.initial();
      expect(moves).toEqual([{ from: '/a.jpg', to: '/sub/a.jpg' }]);
      await service.moveItems(moves, 'table');
      expect(service.peek('/sub/a.jpg')).toMatchObject({ star: 5, version: 3 });
      const exported = await server.app.inject({ method: 'GET', url: '/export?format=json', headers: { 'x-lenslet-user': 'web' } });
      expect(exported.statusCode).toBe(200);
      const rows = JSON.parse(exported.body) as { path: string; missing?: boolean }[];
      expect(rows.find((r) => r.path === '/b.jpg')).toMatchObject({ tags: ['keep'], missing: true });
      expect(rows.find((r) => r.path === '/sub/a.jpg')?.missing).toBeUndefined();

      // Live: the table is rewritten while watched; b's id comes back under a new path.
      source.onChange((change) => {
        void ids.movesFor(change).then((m) => service.moveItems(m, 'table'));
      });
      await source.watch({ log: () => {} });
      table(file, [['sub/a.jpg', 'id-a'], ['c.jpg', 'id-c'], ['back/b.jpg', 'id-b']]);
      await vi.waitFor(() => expect(service.peek('/back/b.jpg')).toMatchObject({ tags: ['keep'], version: 3 }), { timeout: 5_000, interval: 20 });
      expect(service.peek('/b.jpg')).toBeUndefined();
    } finally {
      await ids.close();
      await source.close();
      await server.close();
    }
  });
});
