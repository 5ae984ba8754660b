import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryResponseSchema } from '../../src/protocol/query.js';
import { viewsDocumentSchema } from '../../src/protocol/views.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { expectWire } from '../support/wire.js';

/** `/query` and smart folders filter on flags (issue 12): query/SPEC.md F2, labels/SPEC.md LF3. */

let t: TestServer;
let keys = 0;

beforeAll(async () => {
  t = await startTestServer({
    'a.jpg': { w: 4, h: 4 },
    'b.jpg': { w: 4, h: 4 },
    'c.jpg': { w: 4, h: 4 },
    'd.jpg': { w: 4, h: 4 },
    'sub/e.jpg': { w: 4, h: 4 },
  });
  const flag = async (path: string, body: object) => {
    const res = await fetch(`${t.url}/item?path=${path}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'idempotency-key': `f${++keys}` },
      body: JSON.stringify({ base_version: 1, ...body }),
    });
    expect(res.status).toBe(200);
  };
  await flag('/a.jpg', { set_flag: 'pick' });
  await flag('/b.jpg', { set_flag: 'reject', set_star: 2 });
  await flag('/c.jpg', { set_star: 5 }); // labeled, unflagged
  await flag('/sub/e.jpg', { set_flag: 'pick' });
});
afterAll(() => t.close());

async function query(body: object): Promise<string[]> {
  const res = await fetch(`${t.url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return expectWire(queryResponseSchema, await res.json()).items.map((i) => i.path);
}

describe('flags filter', () => {
  it('[F2] keeps the items with a wanted flag; none is unflagged, labeled or not', async () => {
    expect(await query({ filters: [{ flags: ['pick'] }] })).toEqual(['/a.jpg', '/sub/e.jpg']);
    expect(await query({ filters: [{ flags: ['reject'] }] })).toEqual(['/b.jpg']);
    expect(await query({ filters: [{ flags: ['none'] }] })).toEqual(['/c.jpg', '/d.jpg']);
    expect(await query({ filters: [{ flags: ['pick', 'none'] }] })).toEqual(['/a.jpg', '/c.jpg', '/d.jpg', '/sub/e.jpg']);
    expect(await query({ filters: [{ flags: [] }] })).toEqual([]);
  });

  it('[F2] ANDs with the other clauses, and "unlabeled" is stars [0] with flags [none]', async () => {
    expect(await query({ path: '/', recursive: false, filters: [{ flags: ['pick'] }] })).toEqual(['/a.jpg']);
    expect(await query({ filters: [{ stars: [0] }, { flags: ['none'] }] })).toEqual(['/d.jpg']);
    const res = await fetch(`${t.url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters: [{ stars: [0] }, { flags: ['none'] }], limit: 0 }) });
    expect((await res.json()).total).toBe(1);
  });

  it('[F2] refuses an unknown flag with 400', async () => {
    const res = await fetch(`${t.url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters: [{ flags: ['maybe'] }] }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_body');
  });

  it('[LF3] a smart folder keeps a flags filter', async () => {
    const views = [{ id: 'picks', name: 'Picks', filters: [{ flags: ['pick'] }, { stars: [0, 1, 2] }] }];
    const before = await fetch(`${t.url}/views`);
    const put = await fetch(`${t.url}/views`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'idempotency-key': `v${++keys}`, 'if-match': String(before.headers.get('etag')) },
      body: JSON.stringify({ views }),
    });
    expect(put.status).toBe(200);
    const doc = expectWire(viewsDocumentSchema, await (await fetch(`${t.url}/views`)).json());
    expect(doc.views[0]).toMatchObject({ id: 'picks', filters: [{ flags: ['pick'] }, { stars: [0, 1, 2] }] });
  });
});
