import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicatesResponse } from '../../src/protocol/duplicates.js';
import type { Health } from '../../src/protocol/health.js';
import { launch, type Launched } from '../../src/server/launch.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { expectWireResponse } from '../support/wire.js';
import { writeParquet } from '../table/parquet-fixtures.js';
import { photo, VARIANTS } from './near-duplicates.js';

let dir: string;
let server: Launched;

beforeAll(async () => {
  dir = makeTempDir('lenslet-dups-table-');
  mkdirSync(join(dir, 'imgs'));
  writeFileSync(join(dir, 'imgs', 'coffee.jpg'), photo('coffee.jpg'));
  writeFileSync(join(dir, 'imgs', 'coffee-small.jpg'), await VARIANTS.resized!.make(photo('coffee.jpg')));
  writeFileSync(join(dir, 'imgs', 'chelsea.jpg'), photo('chelsea.jpg'));
  // A remote row (nothing listens there): never fetched for a hash (DU2).
  writeParquet(join(dir, 't.parquet'), [{ name: 'image', type: 'STRING', data: ['imgs/coffee.jpg', 'imgs/coffee-small.jpg', 'imgs/chelsea.jpg', 'http://127.0.0.1:9/far.jpg'] }]);
  server = await launch({ path: join(dir, 't.parquet'), port: 0, allowPrivateUrls: true, webDir: null });
  await server.server.source.whenIdle();
});

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

describe('POST /duplicates in table mode', () => {
  it('[DU2] hashes the local files of a table, skips the remote row, and groups the copies', async () => {
    let health: Health;
    do {
      await new Promise((resolve) => setTimeout(resolve, 20));
      health = (await (await fetch(`${server.url}/health`)).json()) as Health;
    } while (health.phash?.state !== 'done' || health.phash.done < health.items);
    expect(health.phash).toEqual({ state: 'done', done: 4, total: 4 });
    const response = await fetch(`${server.url}/duplicates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = expectWireResponse('POST', `${server.url}/duplicates`, response.status, (await response.json()) as DuplicatesResponse);
    expect(body.groups.map((g) => g.items.map((i) => i.path))).toEqual([['/imgs/coffee.jpg', '/imgs/coffee-small.jpg']]);
    expect(body).toMatchObject({ total: 4, pending: 0 });
    expect(server.server.services.phashes.has(server.server.source.catalog.idOf('/127.0.0.1:9/far.jpg')!)).toBe(false);
  });
});
