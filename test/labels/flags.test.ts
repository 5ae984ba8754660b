import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exportJsonSchema } from '../../src/protocol/export.js';
import { historyResponseSchema } from '../../src/protocol/history.js';
import { itemUpdatedSchema } from '../../src/protocol/events.js';
import { runExportCommand, runImportCommand } from '../../src/server/labels/label-cli.js';
import { parseCsv } from '../../src/server/labels/label-export.js';
import { SqliteLabelStore } from '../../src/server/labels/sqlite-label-store.js';
import { expectWire, expectWireResponse } from '../support/wire.js';
import { startLabelServer, type LabelServer } from './support/harness.js';
import { SseClient } from './support/sse-client.js';

/** Pick / reject flags (issue 12) on every label route: labels/SPEC.md LF1–LF3. */

const dir = mkdtempSync(join(tmpdir(), 'lenslet-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: LabelServer[] = [];
let clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  for (const s of servers) await s.close();
  servers = [];
});

let keySeq = 0;
const key = () => `flags:${++keySeq}`;

async function server(options: Parameters<typeof startLabelServer>[0] = {}): Promise<LabelServer> {
  const s = await startLabelServer({ listen: false, ...options });
  servers.push(s);
  return s;
}

async function req(s: LabelServer, method: 'GET' | 'PUT' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await s.app.inject({ method, url, payload: body as object, headers: { 'idempotency-key': key(), ...headers } });
  expectWireResponse(method, url, res.statusCode, res.body ? res.json() : null, String(res.headers['content-type']));
  return res;
}
const at = (path: string) => `/item?path=${encodeURIComponent(path)}`;

describe('flags over HTTP', () => {
  it('[LF1] PATCH /item sets and clears the flag with set_flag; a PATCH without it keeps it', async () => {
    const s = await server();
    const picked = await req(s, 'PATCH', at('/a.jpg'), { base_version: 1, set_flag: 'pick' }, { 'x-lenslet-user': 'ann' });
    expect(picked.statusCode).toBe(200);
    expect(picked.json()).toMatchObject({ path: '/a.jpg', flag: 'pick', star: null, version: 2, updated_by: 'ann' });
    const starred = await req(s, 'PATCH', at('/a.jpg'), { base_version: 2, set_star: 4 });
    expect(starred.json()).toMatchObject({ flag: 'pick', star: 4, version: 3 });
    const cleared = await req(s, 'PATCH', at('/a.jpg'), { base_version: 3, set_flag: null });
    expect(cleared.json()).toMatchObject({ flag: null, star: 4, version: 4 });
    expect((await req(s, 'GET', at('/a.jpg'))).json()).toMatchObject({ flag: null, version: 4 });
  });

  it('[LF1] a flag other than pick, reject or null is 400 invalid_body and changes nothing', async () => {
    const s = await server();
    for (const bad of ['maybe', 'PICK', 1, true]) {
      const res = await req(s, 'PATCH', at('/a.jpg'), { base_version: 1, set_flag: bad });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_body');
    }
    const put = await req(s, 'PUT', at('/a.jpg'), { base_version: 1, tags: [], notes: '', star: null, flag: 'x' });
    expect(put.statusCode).toBe(400);
    expect((await req(s, 'GET', at('/a.jpg'))).json()).toMatchObject({ flag: null, version: 1 });
  });

  it('[LF1] PUT /item carries the flag; a PUT without it (an older client) keeps it', async () => {
    const s = await server();
    const res = await req(s, 'PUT', at('/a.jpg'), { base_version: 1, tags: ['t'], notes: '', star: 2, flag: 'reject' });
    expect(res.json()).toEqual({
      path: '/a.jpg', tags: ['t'], notes: '', star: 2, flag: 'reject', metrics: {}, version: 2, updated_at: expect.any(String), updated_by: expect.any(String),
    });
    const older = await req(s, 'PUT', at('/a.jpg'), { base_version: 2, tags: [], notes: 'n', star: 5 });
    expect(older.json()).toMatchObject({ tags: [], notes: 'n', star: 5, flag: 'reject', version: 3 });
    const cleared = await req(s, 'PUT', at('/a.jpg'), { base_version: 3, tags: [], notes: 'n', star: 5, flag: null });
    expect(cleared.json()).toMatchObject({ flag: null, version: 4 });
  });

  it('[LF1] PATCH /items flags a batch in one commit; a conflict answers the current flag', async () => {
    const s = await server();
    await req(s, 'PATCH', at('/b.jpg'), { base_version: 1, set_flag: 'pick' });
    const res = await req(s, 'PATCH', '/items', [
      { path: '/a.jpg', base_version: 1, set_flag: 'reject' },
      { path: '/b.jpg', base_version: 1, set_flag: 'reject' },
      { path: '/c.jpg', base_version: 1, set_flag: 'pick', set_star: 3 },
      { path: '/missing/d.jpg', base_version: 1, set_flag: 'pick' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual([
      expect.objectContaining({ path: '/a.jpg', status: 'ok', item: expect.objectContaining({ flag: 'reject', version: 2 }) }),
      expect.objectContaining({ path: '/b.jpg', status: 'conflict', current: expect.objectContaining({ flag: 'pick', version: 2 }) }),
      expect.objectContaining({ path: '/c.jpg', status: 'ok', item: expect.objectContaining({ flag: 'pick', star: 3 }) }),
      expect.objectContaining({ path: '/missing/d.jpg', status: 'not_found' }),
    ]);
  });

  it('[LF1] item-updated events and history carry the flag', async () => {
    const s = await server({ listen: true });
    const c = await SseClient.connect(`${s.url}/events`);
    clients.push(c);
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 1, set_flag: 'pick' }, { 'x-lenslet-user': 'ann' });
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 2, set_flag: 'reject', set_star: 1 }, { 'x-lenslet-user': 'ben' });
    const events = await c.waitForEvents('item-updated', 2);
    expect(events.map((e) => expectWire(itemUpdatedSchema, e.json).flag)).toEqual(['pick', 'reject']);
    const history = expectWire(historyResponseSchema, (await req(s, 'GET', '/item/history?path=/a.jpg')).json());
    expect(history.entries.map((e) => [e.updated_by, e.changes])).toEqual([
      ['ben', { star: { from: null, to: 1 }, flag: { from: 'pick', to: 'reject' } }],
      ['ann', { flag: { from: null, to: 'pick' } }],
    ]);
  });
});

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('flags in export and import', () => {
  it('[LF2] GET /export writes the flag (JSON field, CSV column after star); an item with only a flag is exported', async () => {
    const s = await server();
    await req(s, 'PATCH', at('/x/a.jpg'), { base_version: 1, set_flag: 'pick', set_star: 2 });
    await req(s, 'PATCH', at('/x/b.jpg'), { base_version: 1, set_flag: 'reject' });
    const json = expectWire(exportJsonSchema, (await s.app.inject({ method: 'GET', url: '/export?format=json&path=/x' })).json());
    expect(json.map((r) => [r.path, r.star, r.flag])).toEqual([['/x/a.jpg', 2, 'pick'], ['/x/b.jpg', null, 'reject']]);
    const rows = parseCsv((await s.app.inject({ method: 'GET', url: '/export?format=csv&path=/x' })).body);
    const col = rows[0]!.indexOf('flag');
    expect(rows[0]![col - 1]).toBe('star');
    expect(rows.slice(1).map((r) => [r[0], r[col]])).toEqual([['/x/a.jpg', 'pick'], ['/x/b.jpg', 'reject']]);
  });

  it('[LF2] lenslet import reads flags from JSON and CSV; files without flags import as unflagged', async () => {
    const workspace = join(dir, 'ws');
    const s = await server({ dbPath: join(workspace, 'labels.sqlite') });
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 1, set_flag: 'pick' });
    await req(s, 'PATCH', at('/b.jpg'), { base_version: 1, set_flag: 'reject', set_tags: ['t'] });
    await s.close();
    servers = servers.filter((x) => x !== s);
    const io = capture();
    const jsonFile = join(dir, 'flags.json');
    const csvFile = join(dir, 'flags.csv');
    expect(await runExportCommand(['--db', join(workspace, 'labels.sqlite'), '--out', jsonFile], { stdout: io.stream, stderr: io.stream })).toBe(0);
    expect(await runExportCommand(['--db', join(workspace, 'labels.sqlite'), '--out', csvFile], { stdout: io.stream, stderr: io.stream })).toBe(0);
    const noFlags = join(dir, 'old.json');
    writeFileSync(noFlags, JSON.stringify(JSON.parse(readFileSync(jsonFile, 'utf8')).map(({ flag: _, ...rest }: { flag: unknown }) => rest)));
    for (const [file, want] of [[jsonFile, ['pick', 'reject']], [csvFile, ['pick', 'reject']], [noFlags, [null, null]]] as const) {
      const target = join(dir, `import-${file.split('/').pop()}.sqlite`);
      expect(await runImportCommand(['--db', target, '--file', file], { stdout: io.stream, stderr: io.stream })).toBe(0);
      const store = new SqliteLabelStore(target);
      expect((await store.getMany(['/a.jpg', '/b.jpg'])).map((x) => x.flag)).toEqual(want);
      expect(await store.get('/b.jpg')).toMatchObject({ tags: ['t'], version: 2 });
      await store.close();
    }
    // A bad flag refuses the whole file.
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ path: '/a.jpg', flag: 'maybe' }]));
    expect(await runImportCommand(['--db', join(dir, 'bad.sqlite'), '--file', bad], { stdout: io.stream, stderr: io.stream })).not.toBe(0);
  });
});
