import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { historyResponseSchema } from '../../src/protocol/history.js';
import { expectWire, expectWireEvent } from '../support/wire.js';
import { appliedItem, startLabelServer, type LabelServer } from './support/harness.js';
import { SseClient } from './support/sse-client.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-moves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: LabelServer[] = [];
let clients: SseClient[] = [];
afterEach(async () => {
  const received = clients.flatMap((c) => c.messages);
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  servers = [];
  clients = [];
  for (const m of received) expectWireEvent(m);
});

async function sse(s: LabelServer, headers: Record<string, string> = {}): Promise<SseClient> {
  const c = await SseClient.connect(`${s.url}/events`, headers);
  clients.push(c);
  await c.until(() => c.comments.includes('connected'), 5000, 'connected');
  return c;
}

function patch(s: LabelServer, path: string, version: number, body: object, key: string) {
  return s.app.inject({
    method: 'PATCH', url: `/item?path=${encodeURIComponent(path)}`,
    headers: { 'idempotency-key': key, 'if-match': String(version), 'x-lenslet-user': 'web' },
    payload: body,
  });
}

describe('labels follow moved files', () => {
  it('[LV9] moveItems carries labels, version and history; SSE and replay carry item-moved; export lists the new path', async () => {
    const s = await startLabelServer({ dbPath: join(dir, 'moves.sqlite') });
    servers.push(s);
    const { service, store } = s.system;
    const before = appliedItem(await service.patchItem('/old/cat.jpg', { set_star: 4, add_tags: ['cute'] }, 1, { key: 'k1', actor: 'ann' }));
    expect(before.version).toBe(2);
    const live = await sse(s);
    const head = await store.currentEventId();
    const revision = service.revision;

    const results = await service.moveItems([{ from: '/old/cat.jpg', to: '/new/cat.jpg' }, { from: '/old/none.jpg', to: '/new/none.jpg' }], 'watcher');
    expect(results.map((r) => r.status)).toEqual(['moved', 'skipped']);
    expect(service.revision).toBe(head + 1);
    expect(service.revision).not.toBe(revision);
    expect(service.peek('/old/cat.jpg')).toBeUndefined();
    expect(service.peek('/new/cat.jpg')).toMatchObject({ star: 4, tags: ['cute'], version: 3 });

    // Live clients get the move under its event id.
    const [moved] = await live.waitForEvents('item-moved', 1);
    expect(moved!.id).toBe(String(head + 1));
    expect(moved!.json).toMatchObject({ from: '/old/cat.jpg', to: '/new/cat.jpg', version: 3, star: 4, tags: ['cute'], updated_by: 'watcher' });

    // A client that had seen only the write replays the move from the log.
    const late = await sse(s, { 'last-event-id': String(head) });
    const [replayed] = await late.waitForEvents('item-moved', 1);
    expect(replayed!.id).toBe(String(head + 1));
    expect(replayed!.json).toEqual(moved!.json);

    // Writes continue from the moved version: the old one is stale.
    expect((await patch(s, '/new/cat.jpg', 2, { set_star: 1 }, 'stale')).statusCode).toBe(409);
    const next = await patch(s, '/new/cat.jpg', 3, { set_star: 5 }, 'fresh');
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ path: '/new/cat.jpg', star: 5, version: 4 });
    await live.waitForEvents('item-updated', 1);

    const history = await s.app.inject({ method: 'GET', url: '/item/history?path=/new/cat.jpg' });
    expect(history.statusCode).toBe(200);
    const entries = expectWire(historyResponseSchema, history.json()).entries;
    expect(entries.map((e) => [e.type, e.version, e.updated_by])).toEqual([
      ['item-updated', 4, 'web'], ['item-moved', 3, 'watcher'], ['item-updated', 2, 'ann'],
    ]);
    expect(entries[1]!.changes).toEqual({ moved: { from: '/old/cat.jpg', to: '/new/cat.jpg' } });
    expect((await s.app.inject({ method: 'GET', url: '/item/history?path=/old/cat.jpg' })).json().entries).toEqual([]);

    const exported = (await s.app.inject({ method: 'GET', url: '/export' })).json() as { path: string }[];
    expect(exported.map((r) => r.path)).toEqual(['/new/cat.jpg']);
  });

  it('[LV7] another process\'s moves reach this server\'s projection and clients, swaps included', async () => {
    const dbPath = join(dir, 'shared.sqlite');
    const a = await startLabelServer({ dbPath, storeOptions: { externalPollMs: 20 } });
    const b = await startLabelServer({ dbPath, storeOptions: { externalPollMs: 20 }, listen: true });
    servers.push(a, b);
    appliedItem(await a.system.service.patchItem('/p.jpg', { set_star: 1 }, 1, { key: 'p', actor: 'ann' }));
    appliedItem(await a.system.service.patchItem('/q.jpg', { set_star: 2 }, 1, { key: 'q', actor: 'ann' }));
    const c = await sse(b);
    await a.system.service.moveItems([{ from: '/p.jpg', to: '/q.jpg' }, { from: '/q.jpg', to: '/p.jpg' }], 'watcher');
    await c.waitForEvents('item-moved', 2);
    await c.until(() => b.system.service.peek('/p.jpg')?.star === 2 && b.system.service.peek('/q.jpg')?.star === 1, 5000, 'swapped projection');
    expect(b.system.service.revision).toBe(await b.system.store.currentEventId());
  });
});
