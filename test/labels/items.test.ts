import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { expectWireResponse } from '../support/wire.js';
import { manualClock, startLabelServer, type LabelServer } from './support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-items-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: LabelServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

let keySeq = 0;
const key = () => `test:${++keySeq}`;

async function server(options: Parameters<typeof startLabelServer>[0] = {}): Promise<LabelServer> {
  const s = await startLabelServer({ listen: false, ...options });
  servers.push(s);
  return s;
}

type Inject = LabelServer['app']['inject'];
/** Every answer is also checked against its protocol schema (200, 409 and error bodies alike). */
async function req(s: LabelServer, method: 'GET' | 'PUT' | 'PATCH' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await (s.app.inject as Inject)({ method, url, payload: body as object, headers });
  expectWireResponse(method, url, res.statusCode, res.body ? res.json() : null, String(res.headers['content-type']));
  return res;
}

function put(s: LabelServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  return req(s, 'PUT', `/item?path=${encodeURIComponent(path)}`, body, { 'idempotency-key': key(), ...headers });
}
function patch(s: LabelServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  return req(s, 'PATCH', `/item?path=${encodeURIComponent(path)}`, body, { 'idempotency-key': key(), ...headers });
}

describe('GET /item', () => {
  it('returns the default sidecar (version 1, no synthetic timestamp) for an unwritten image', async () => {
    const s = await server();
    const res = await req(s, 'GET', '/item?path=/a/cat.jpg');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ path: '/a/cat.jpg', tags: [], notes: '', star: null, flag: null, metrics: {}, version: 1, updated_at: null, updated_by: null });
    expect(res.headers.etag).toBe('"1"');
  });

  it('404s for an unknown image and 400s for a missing or bad path', async () => {
    const s = await server();
    expect((await req(s, 'GET', '/item?path=/missing/x.jpg')).json().error.code).toBe('not_found');
    expect((await req(s, 'GET', '/item?path=/missing/x.jpg')).statusCode).toBe(404);
    expect((await req(s, 'GET', '/item')).json().error.code).toBe('missing_parameter');
    expect((await req(s, 'GET', '/item?path=/a/../b.jpg')).json().error.code).toBe('invalid_path');
  });

  it('canonicalises the path, so /a//b.jpg and /a/b.jpg are one item', async () => {
    const s = await server();
    await put(s, '/a//b.jpg/', { base_version: 1, tags: ['x'], notes: '', star: 1 });
    expect((await req(s, 'GET', '/item?path=/a/b.jpg')).json()).toMatchObject({ path: '/a/b.jpg', version: 2, tags: ['x'] });
  });

  it('reports the stored updated_at, not the time of the read', async () => {
    const clock = manualClock();
    const s = await server({ now: clock.now });
    await put(s, '/a.jpg', { base_version: 1, tags: [], notes: '', star: 2 }, { 'x-lenslet-user': 'ann' });
    clock.advance(60_000);
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json()).toMatchObject({ updated_at: '2026-01-23T19:22:05.000Z', updated_by: 'ann' });
  });
});

describe('PUT /item', () => {
  it('[LV1][LV2] replaces tags, notes and star, normalises tags and stamps who and when', async () => {
    const clock = manualClock();
    const s = await server({ now: clock.now });
    const res = await put(s, '/a.jpg', { tags: [' cute ', 'pet', 'cute', '', 'pet '], notes: 'golden hour', star: 4 }, { 'if-match': '1', 'x-client-id': 'tab-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      path: '/a.jpg', tags: ['cute', 'pet'], notes: 'golden hour', star: 4, flag: null, metrics: {}, version: 2,
      updated_at: '2026-01-23T19:22:05.000Z', updated_by: 'tab-1',
    });
    const next = await put(s, '/a.jpg', { base_version: 2, tags: [], notes: '', star: null });
    expect(next.json()).toMatchObject({ version: 3, tags: [], star: null, updated_by: 'web' });
    const same = await put(s, '/a.jpg', { base_version: 3, tags: [], notes: '', star: null }, { 'x-lenslet-user': 'ann', 'x-client-id': 'c' });
    expect(same.json()).toMatchObject({ version: 4, updated_by: 'ann' });
  });

  it('accepts If-Match with quotes or W/, and agreeing base_version', async () => {
    const s = await server();
    expect((await put(s, '/a.jpg', { tags: [], notes: '', star: 1 }, { 'if-match': '"1"' })).statusCode).toBe(200);
    expect((await put(s, '/a.jpg', { tags: [], notes: '', star: 2 }, { 'if-match': 'W/"2"' })).statusCode).toBe(200);
    expect((await put(s, '/a.jpg', { base_version: 3, tags: [], notes: '', star: 3 }, { 'if-match': '3' })).statusCode).toBe(200);
  });

  it('[LV3] names what is missing or wrong in the version and key headers', async () => {
    const s = await server();
    const body = { tags: [], notes: '', star: 1 };
    const noKey = await req(s, 'PUT', '/item?path=/a.jpg', { ...body, base_version: 1 });
    expect([noKey.statusCode, noKey.json().error.code]).toEqual([400, 'missing_idempotency_key']);
    const noVersion = await put(s, '/a.jpg', body);
    expect([noVersion.statusCode, noVersion.json().error.code]).toEqual([400, 'missing_base_version']);
    const bad = await put(s, '/a.jpg', body, { 'if-match': 'abc' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_if_match']);
    const star = await put(s, '/a.jpg', body, { 'if-match': '*' });
    expect(star.json().error.code).toBe('invalid_if_match');
    const mismatch = await put(s, '/a.jpg', { ...body, base_version: 2 }, { 'if-match': '1' });
    expect([mismatch.statusCode, mismatch.json().error.code]).toEqual([400, 'version_mismatch']);
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json().version).toBe(1);
  });

  it('400s naming the field for a bad star, non-string tags, oversized notes; 404s an unknown image', async () => {
    const s = await server();
    const cases: [unknown, string][] = [
      [{ base_version: 1, tags: [], notes: '', star: 7 }, 'star'],
      [{ base_version: 1, tags: [], notes: '', star: 2.5 }, 'star'],
      [{ base_version: 1, tags: ['ok', 3], notes: '', star: 1 }, 'tags[1]'],
      [{ base_version: 1, tags: 'x', notes: '', star: 1 }, 'tags'],
      [{ base_version: 1, tags: [], notes: 'x'.repeat(64 * 1024 + 1), star: 1 }, 'notes'],
      [{ base_version: 1, tags: ['t'.repeat(201)], notes: '', star: 1 }, 'tags'],
      [{ base_version: 0, tags: [], notes: '', star: 1 }, 'base_version'],
      [{ base_version: 1, notes: '', star: 1 }, 'tags'],
    ];
    for (const [body, field] of cases) {
      const res = await put(s, '/a.jpg', body);
      expect(res.statusCode, JSON.stringify(field)).toBe(400);
      expect(res.json().error.code).toBe('invalid_body');
      expect(res.json().error.details.field).toBe(field);
      expect(res.json().error.message).toContain(field);
    }
    const notJson = await req(s, 'PUT', '/item?path=/a.jpg', '{oops', { 'idempotency-key': key(), 'content-type': 'application/json', 'if-match': '1' });
    expect(notJson.statusCode).toBe(400);
    const missing = await put(s, '/missing/a.jpg', { base_version: 1, tags: [], notes: '', star: 1 });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'not_found']);
    // 64 KiB exactly is fine, measured in UTF-8 bytes.
    expect((await put(s, '/a.jpg', { base_version: 1, tags: [], notes: 'x'.repeat(64 * 1024), star: 1 })).statusCode).toBe(200);
    expect((await put(s, '/a.jpg', { base_version: 2, tags: [], notes: 'é'.repeat(32 * 1024 + 1), star: 1 })).statusCode).toBe(400);
  });

  it('409s a stale version with the current sidecar, and changes nothing', async () => {
    const s = await server();
    await put(s, '/a.jpg', { base_version: 1, tags: ['theirs'], notes: '', star: 5 });
    const res = await put(s, '/a.jpg', { base_version: 1, tags: ['mine'], notes: '', star: 1 });
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(body.error.code).toBe('version_conflict');
    expect(body.current).toMatchObject({ path: '/a.jpg', version: 2, tags: ['theirs'], star: 5 });
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json()).toMatchObject({ version: 2, tags: ['theirs'] });
  });
});

describe('PATCH /item', () => {
  it('decodes a percent-encoded display name (browsers cannot send non-Latin-1 headers raw)', async () => {
    const s = await server();
    const r1 = await patch(s, '/a.jpg', { base_version: 1, set_star: 2 }, { 'x-lenslet-user': encodeURIComponent('Zoë 佐藤') });
    expect(r1.json()).toMatchObject({ updated_by: 'Zoë 佐藤' });
    const r2 = await patch(s, '/a.jpg', { base_version: 2, set_star: 3 }, { 'x-lenslet-user': '100%zz' });
    expect(r2.json()).toMatchObject({ updated_by: '100%zz' }); // not percent-encoding: kept as sent
  });

  it('changes only the fields sent: set, then remove, then add', async () => {
    const s = await server();
    await put(s, '/a.jpg', { base_version: 1, tags: ['a', 'b'], notes: 'keep me', star: 3 });
    const r1 = await patch(s, '/a.jpg', { base_version: 2, add_tags: [' c ', 'a'] });
    expect(r1.json()).toMatchObject({ tags: ['a', 'b', 'c'], notes: 'keep me', star: 3, version: 3 });
    const r2 = await patch(s, '/a.jpg', { set_tags: ['x', 'y'], remove_tags: ['x'], add_tags: ['x', 'z'], set_star: null }, { 'if-match': '3' });
    expect(r2.json()).toMatchObject({ tags: ['y', 'x', 'z'], notes: 'keep me', star: null, version: 4 });
    const r3 = await patch(s, '/a.jpg', { base_version: 4, set_notes: '' });
    expect(r3.json()).toMatchObject({ tags: ['y', 'x', 'z'], notes: '', version: 5 });
  });

  it('needs the same headers as PUT, 409s when stale and 400s bad fields', async () => {
    const s = await server();
    const noKey = await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 1 });
    expect(noKey.json().error.code).toBe('missing_idempotency_key');
    expect((await patch(s, '/a.jpg', { set_star: 1 })).json().error.code).toBe('missing_base_version');
    expect((await patch(s, '/a.jpg', { set_star: 1 }, { 'if-match': 'W/x' })).json().error.code).toBe('invalid_if_match');
    expect((await patch(s, '/a.jpg', { base_version: 2, set_star: 1 }, { 'if-match': '1' })).json().error.code).toBe('version_mismatch');
    const bad = await patch(s, '/a.jpg', { base_version: 1, set_star: 6 });
    expect([bad.statusCode, bad.json().error.details.field]).toEqual([400, 'set_star']);
    const badTags = await patch(s, '/a.jpg', { base_version: 1, add_tags: [null] });
    expect(badTags.json().error.details.field).toBe('add_tags[0]');
    const badNotes = await patch(s, '/a.jpg', { base_version: 1, set_notes: 'x'.repeat(70_000) });
    expect(badNotes.json().error.details.field).toBe('set_notes');
    expect((await patch(s, '/missing/a.jpg', { base_version: 1, set_star: 1 })).statusCode).toBe(404);
    await patch(s, '/a.jpg', { base_version: 1, set_star: 1 });
    const stale = await patch(s, '/a.jpg', { base_version: 1, set_star: 2 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current).toMatchObject({ star: 1, version: 2 });
  });
});

describe('idempotency', () => {
  it('[LV3] the same key and body replays the cached response and applies nothing again', async () => {
    const s = await server();
    const headers = { 'idempotency-key': 'client-1:7' };
    const start = await s.system.store.currentEventId();
    const first = await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, add_tags: ['x'] }, headers);
    const again = await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, add_tags: ['x'] }, headers);
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json().version).toBe(2);
    expect(await s.system.store.currentEventId()).toBe(start + 1);
  });

  it('replays a 409 as a 409, and 422s the same key with a different body', async () => {
    const s = await server();
    await patch(s, '/a.jpg', { base_version: 1, set_star: 1 });
    const headers = { 'idempotency-key': 'k-conflict' };
    const conflict = await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 2 }, headers);
    const replay = await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 2 }, headers);
    expect([conflict.statusCode, replay.statusCode]).toEqual([409, 409]);
    expect(replay.json()).toEqual(conflict.json());
    const reused = await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 2, set_star: 3 }, headers);
    expect([reused.statusCode, reused.json().error.code]).toEqual([422, 'idempotency_key_reused']);
    const otherPath = await req(s, 'PATCH', '/item?path=/b.jpg', { base_version: 1, set_star: 2 }, headers);
    expect(otherPath.statusCode).toBe(422);
  });

  it('concurrent duplicates with one key apply once', async () => {
    const s = await server();
    const headers = { 'idempotency-key': 'dup' };
    const all = await Promise.all(Array.from({ length: 10 }, () => req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, add_tags: ['t'] }, headers)));
    expect(all.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(all.map((r) => r.body)).size).toBe(1);
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json().version).toBe(2);
  });

  it('expires after the TTL (30 minutes by default), then the key is new again', async () => {
    const clock = manualClock();
    const s = await server({ now: clock.now });
    const headers = { 'idempotency-key': 'k-ttl' };
    await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 1 }, headers);
    clock.advance(30 * 60_000 - 1);
    expect((await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 1 }, headers)).headers['idempotency-replayed']).toBe('true');
    clock.advance(1);
    const fresh = await req(s, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 1 }, headers);
    expect(fresh.statusCode).toBe(409);
    expect(fresh.headers['idempotency-replayed']).toBeUndefined();
  });

  it('keeps the cache across a restart (SQLite)', async () => {
    const dbPath = join(dir, 'idem-restart.sqlite');
    const a = await startLabelServer({ listen: false, dbPath });
    const headers = { 'idempotency-key': 'survives' };
    const first = await req(a, 'PUT', '/item?path=/a.jpg', { base_version: 1, tags: ['x'], notes: '', star: 2 }, headers);
    await a.close();
    const b = await server({ dbPath });
    const again = await req(b, 'PUT', '/item?path=/a.jpg', { base_version: 1, tags: ['x'], notes: '', star: 2 }, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect((await req(b, 'GET', '/item?path=/a.jpg')).json().version).toBe(2);
  });
});

describe('concurrency', () => {
  it('[LS6][LV4] twenty concurrent writers on one base version: exactly one wins, the rest get 409', async () => {
    const s = await server({ dbPath: join(dir, 'race.sqlite') });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => patch(s, '/race.jpg', { base_version: 1, set_notes: `writer ${i}` }, { 'x-lenslet-user': `w${i}` })),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    expect((await req(s, 'GET', '/item?path=/race.jpg')).json()).toEqual(winner);
    for (const loser of results.filter((r) => r.statusCode === 409)) expect(loser.json().current).toEqual(winner);
  });

  it('[LV2] no accepted write is lost: writers that rebase on 409 all land', async () => {
    const s = await server({ dbPath: join(dir, 'rebase.sqlite') });
    const writer = async (i: number) => {
      let base = 1;
      for (;;) {
        const r = await patch(s, '/shared.jpg', { base_version: base, add_tags: [`w${i}`] });
        if (r.statusCode === 200) return;
        expect(r.statusCode).toBe(409);
        base = r.json().current.version;
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
    const final = (await req(s, 'GET', '/item?path=/shared.jpg')).json();
    expect(final.version).toBe(21);
    expect([...final.tags].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `w${i}`).sort());
    const history = (await req(s, 'GET', '/item/history?path=/shared.jpg&limit=100')).json();
    expect(history.entries).toHaveLength(20);
  });
});

describe('PATCH /items', () => {
  it('[LV5] applies a batch in one request with a result per entry', async () => {
    const s = await server();
    await patch(s, '/b.jpg', { base_version: 1, set_star: 1 });
    const before = await s.system.store.currentEventId();
    const res = await req(s, 'PATCH', '/items', [
      { path: '/a.jpg', base_version: 1, set_star: 5 },
      { path: '/b.jpg', base_version: 1, set_star: 5 },
      { path: '/missing/c.jpg', base_version: 1, set_star: 5 },
      { path: '/d.jpg', base_version: 1, add_tags: ['x'] },
    ], { 'idempotency-key': 'batch-1', 'x-lenslet-user': 'bulk' });
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['ok', 'conflict', 'not_found', 'ok']);
    expect(results[0].item).toMatchObject({ star: 5, version: 2, updated_by: 'bulk' });
    expect(results[1].current).toMatchObject({ star: 1, version: 2 });
    expect(results[1].error.code).toBe('version_conflict');
    expect(await s.system.store.currentEventId()).toBe(before + 2);
    const replay = await req(s, 'PATCH', '/items', { items: [
      { path: '/a.jpg', base_version: 1, set_star: 5 },
      { path: '/b.jpg', base_version: 1, set_star: 5 },
      { path: '/missing/c.jpg', base_version: 1, set_star: 5 },
      { path: '/d.jpg', base_version: 1, add_tags: ['x'] },
    ] }, { 'idempotency-key': 'batch-1' });
    expect(replay.json()).toEqual(res.json());
  });

  it('rates 500 items in one request and one commit', async () => {
    const s = await server({ dbPath: join(dir, 'bulk.sqlite') });
    const items = Array.from({ length: 500 }, (_, i) => ({ path: `/bulk/${i}.jpg`, base_version: 1, set_star: 3 }));
    const res = await req(s, 'PATCH', '/items', items, { 'idempotency-key': key() });
    expect(res.json().results.every((r: { status: string }) => r.status === 'ok')).toBe(true);
    let n = 0;
    s.system.service.forEachLabeled(() => n++);
    expect(n).toBe(500);
  });

  it('rejects a bad batch whole, naming the entry', async () => {
    const s = await server();
    const h = { 'idempotency-key': key() };
    expect((await req(s, 'PATCH', '/items', [{ path: '/a.jpg', base_version: 1 }, { path: '/b.jpg', base_version: 1, set_star: 9 }], h)).json().error.details.field).toBe('[1].set_star');
    const noBase = await req(s, 'PATCH', '/items', [{ path: '/a.jpg', set_star: 1 }], h);
    expect([noBase.statusCode, noBase.json().error.code, noBase.json().error.details.field]).toEqual([400, 'missing_base_version', '[0].base_version']);
    expect((await req(s, 'PATCH', '/items', [{ path: '../x', base_version: 1 }], h)).json().error.code).toBe('invalid_path');
    expect((await req(s, 'PATCH', '/items', { nope: 1 }, h)).json().error.details.field).toBe('items');
    expect((await req(s, 'PATCH', '/items', [], {})).json().error.code).toBe('missing_idempotency_key');
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json().version).toBe(1);
  });
});

describe('metrics', () => {
  it('PUT /metrics merges metrics, bumps the version and records the worker', async () => {
    const s = await server();
    await patch(s, '/a.jpg', { base_version: 1, set_star: 2 });
    const res = await req(s, 'PUT', '/metrics', { items: [{ path: '/a.jpg', metrics: { aesthetic: 0.91, blur: 0.03 } }, { path: '/missing/x.jpg', metrics: { a: 1 } }] }, { 'x-lenslet-user': 'metrics-worker' });
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual([
      { path: '/a.jpg', status: 'ok', version: 3, metrics: { aesthetic: 0.91, blur: 0.03 } },
      { path: '/missing/x.jpg', status: 'not_found' },
    ]);
    await req(s, 'PUT', '/metrics', { items: [{ path: '/a.jpg', metrics: { blur: 0.5 } }] }, { 'x-lenslet-user': 'metrics-worker' });
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json()).toMatchObject({ star: 2, metrics: { aesthetic: 0.91, blur: 0.5 }, version: 4, updated_by: 'metrics-worker' });
    expect(s.system.service.peek('/a.jpg')?.metrics).toEqual({ aesthetic: 0.91, blur: 0.5 });
  });

  it('with an Idempotency-Key, a retried PUT /metrics (even a second later) replays instead of applying twice', async () => {
    const clock = manualClock();
    const s = await server({ now: clock.now });
    const body = { items: [{ path: '/a.jpg', metrics: { q: 1 } }] };
    const headers = { 'idempotency-key': 'metrics-1', 'x-lenslet-user': 'worker' };
    const first = await req(s, 'PUT', '/metrics', body, headers);
    clock.advance(1000);
    const again = await req(s, 'PUT', '/metrics', body, headers);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect((await req(s, 'GET', '/item?path=/a.jpg')).json().version).toBe(2);
    const changed = await req(s, 'PUT', '/metrics', { items: [{ path: '/a.jpg', metrics: { q: 2 } }] }, headers);
    expect(changed.statusCode).toBe(422);
  });

  it('rejects non-numeric metrics and bad progress, naming the field', async () => {
    const s = await server();
    const bad = await req(s, 'PUT', '/metrics', { items: [{ path: '/a.jpg', metrics: { q: 'high' } }] });
    expect([bad.statusCode, bad.json().error.details.field]).toEqual([400, 'items[0].metrics.q']);
    expect((await req(s, 'PUT', '/metrics', { nope: [] })).json().error.details.field).toBe('items');
    expect((await req(s, 'POST', '/metrics/progress', { gallery_id: '/', percent: 140, message: 'x' })).json().error.details.field).toBe('percent');
    expect((await req(s, 'POST', '/metrics/progress', { gallery_id: '/', percent: 10 })).json().error.details.field).toBe('message');
    expect((await req(s, 'POST', '/metrics/progress', { gallery_id: '/', percent: 10, message: 'ok' })).statusCode).toBe(200);
  });
});

describe('history', () => {
  it('lists who changed what and when, newest first', async () => {
    const clock = manualClock();
    const s = await server({ now: clock.now });
    await patch(s, '/a.jpg', { base_version: 1, set_star: 2, add_tags: ['x'] }, { 'x-lenslet-user': 'ann' });
    clock.advance(1000);
    await patch(s, '/a.jpg', { base_version: 2, set_star: 4 }, { 'x-lenslet-user': 'ben' });
    const res = await req(s, 'GET', '/item/history?path=/a.jpg');
    const head = await s.system.store.currentEventId();
    expect(res.json()).toEqual({
      path: '/a.jpg',
      entries: [
        { event_id: head, type: 'item-updated', version: 3, updated_at: '2026-01-23T19:22:06.000Z', updated_by: 'ben', changes: { star: { from: 2, to: 4 } }, labels: { star: 4, flag: null, tags: ['x'], notes: '' } },
        { event_id: head - 1, type: 'item-updated', version: 2, updated_at: '2026-01-23T19:22:05.000Z', updated_by: 'ann', changes: { star: { from: null, to: 2 }, tags: { added: ['x'], removed: [] } }, labels: { star: 2, flag: null, tags: ['x'], notes: '' } },
      ],
    });
    expect((await req(s, 'GET', '/item/history?path=/a.jpg&limit=0')).json().error.code).toBe('invalid_parameter');
    expect((await req(s, 'GET', '/item/history?path=/missing/a.jpg')).statusCode).toBe(404);
    expect((await req(s, 'GET', '/item/history')).statusCode).toBe(400);
  });
});

describe('persistence', () => {
  it('labels survive a restart with their versions and timestamps (SQLite)', async () => {
    const dbPath = join(dir, 'restart.sqlite');
    const a = await startLabelServer({ listen: false, dbPath });
    const written = (await put(a, '/a.jpg', { base_version: 1, tags: ['keep'], notes: 'n', star: 5 }, { 'x-lenslet-user': 'ann' })).json();
    await a.close();
    const b = await server({ dbPath });
    expect((await req(b, 'GET', '/item?path=/a.jpg')).json()).toEqual(written);
    expect(b.system.service.peek('/a.jpg')).toMatchObject({ star: 5, tags: ['keep'], version: 2 });
    expect(b.system.service.health()).toEqual({ persistent: true, store: 'sqlite', path: dbPath, last_event_id: 1 });
  });

  it('the memory store reports itself as not persistent', async () => {
    const s = await server();
    expect(s.system.service.health()).toMatchObject({ persistent: false, store: 'memory', path: null });
  });
});
