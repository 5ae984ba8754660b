import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/protocol/items.js';
import { startServer } from '../../src/server/index.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';

describe('POST /query and /histogram in folder mode', () => {
  it('filter, sort and bin a folder, with metrics attached through the labels API', async () => {
    const dir = await makeImageTree(makeTempDir(), { 'a/wide.jpg': { w: 40, h: 10 }, 'a/tall.png': { w: 10, h: 40 }, 'b/square.jpg': { w: 20, h: 20 } });
    const server = await startServer({ root: dir, port: 0, noWrite: true, webDir: null });
    try {
      await server.source.whenIdle();
      const post = async (route: string, body: unknown) =>
        (await fetch(server.url + route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
      const wide = (await post('/query', { filters: [{ width: { gt: 30 } }] })) as { items: Item[]; total: number };
      expect(wide.items.map((i) => i.path)).toEqual(['/a/wide.jpg']);
      const put = await fetch(`${server.url}/metrics`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'm1' },
        body: JSON.stringify({ items: [{ path: '/a/tall.png', metrics: { score: 0.9 } }, { path: '/b/square.jpg', metrics: { score: 0.2 } }] }),
      });
      expect(put.status).toBe(200);
      const sorted = (await post('/query', { sort: { key: 'metric:score', order: 'desc' } })) as { items: Item[] };
      expect(sorted.items.map((i) => i.path)).toEqual(['/a/tall.png', '/b/square.jpg', '/a/wide.jpg']);
      expect(sorted.items[0]!.metrics).toEqual({ score: 0.9 });
      const fields = (await (await fetch(`${server.url}/metrics/fields`)).json()) as { metrics: unknown };
      expect(fields.metrics).toEqual([{ name: 'score', count: 2 }]);
      const h = (await post('/histogram', { metric: 'score', bins: 2, path: '/a' })) as { population: number[] };
      expect(h.population).toEqual([1, 0]); // one value: min = max, all in the first bin
      const views = (await (await fetch(`${server.url}/views`)).json()) as { version: number };
      expect(views.version).toBe(1);
    } finally {
      await server.close();
      removeDir(dir);
    }
  });
});
