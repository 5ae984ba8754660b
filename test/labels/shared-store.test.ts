import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runImportCommand } from '../../src/server/labels/label-cli.js';
import type { LabelPatch } from '../../src/server/labels/label-store.js';
import { startLabelServer, type LabelServer } from './support/harness.js';
import { expectWireEvent } from '../support/wire.js';
import { SseClient } from './support/sse-client.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: LabelServer[] = [];
let clients: SseClient[] = [];
afterEach(async () => {
  const received = clients.flatMap((c) => c.messages);
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  servers = [];
  clients = [];
  // Whatever a test received, every event on the stream is a protocol event.
  for (const m of received) expectWireEvent(m);
});

async function pair(name: string): Promise<[LabelServer, LabelServer]> {
  const dbPath = join(dir, `${name}.sqlite`);
  const a = await startLabelServer({ dbPath, storeOptions: { externalPollMs: 5 } });
  const b = await startLabelServer({ dbPath, storeOptions: { externalPollMs: 5 } });
  servers.push(a, b);
  return [a, b];
}

async function sse(s: LabelServer): Promise<SseClient> {
  const c = await SseClient.connect(`${s.url}/events`);
  clients.push(c);
  return c;
}

let seq = 0;
/** PATCH /item through the service; resolves with what became of the write (`applied`, `conflict`). */
async function patch(s: LabelServer, path: string, base: number, body: LabelPatch): Promise<string> {
  const { outcome } = await s.system.service.patchItem(path, body, base, { key: `s${++seq}`, actor: 'web' });
  return outcome.kind === 'item' ? outcome.result.kind : outcome.kind;
}

describe('several servers on one database', () => {
  it('[LV7] a write on one server reaches the other server\'s SSE clients and listings, with the same event id', async () => {
    const [a, b] = await pair('two');
    const onB = await sse(b);
    expect(await patch(a, '/x.jpg', 1, { set_star: 4 })).toBe('applied');
    const [event] = await onB.waitForEvents('item-updated', 1);
    expect(event!.json).toMatchObject({ path: '/x.jpg', star: 4, version: 2 });
    expect(Number(event!.id)).toBe(await a.system.store.currentEventId());
    expect(b.system.service.peek('/x.jpg')).toMatchObject({ star: 4, version: 2 });

    // B writes on top; A's clients see it; versions stay one sequence.
    const onA = await sse(a);
    expect(await patch(b, '/x.jpg', 2, { add_tags: ['both'] })).toBe('applied');
    const [back] = await onA.waitForEvents('item-updated', 1);
    expect(back!.json).toMatchObject({ version: 3, star: 4, tags: ['both'] });
    expect(await patch(a, '/x.jpg', 2, { set_star: 1 })).toBe('conflict');
  });

  it('[LV7] interleaved writers on two servers: every event reaches both, in id order, once', async () => {
    const [a, b] = await pair('interleaved');
    const onA = await sse(a);
    const onB = await sse(b);
    for (let i = 0; i < 20; i++) {
      expect(await patch(i % 2 ? a : b, `/p${i}.jpg`, 1, { set_star: i % 6 })).toBe('applied');
    }
    const head = await a.system.store.currentEventId();
    for (const c of [onA, onB]) {
      const events = await c.waitForEvents('item-updated', 20);
      expect(events.map((e) => Number(e.id))).toEqual(Array.from({ length: 20 }, (_, i) => head - 19 + i));
    }
  });

  it('[LV7] lenslet import into a running server\'s database shows up live', async () => {
    const dbPath = join(dir, 'import-live.sqlite');
    const s = await startLabelServer({ dbPath, storeOptions: { externalPollMs: 5 } });
    servers.push(s);
    const c = await sse(s);
    const file = join(dir, 'import.json');
    writeFileSync(file, JSON.stringify([{ path: '/imported.jpg', tags: ['old'], star: 3, version: 7, updated_by: 'legacy' }]));
    const io = { stdout: new PassThrough(), stderr: new PassThrough() };
    expect(await runImportCommand(['--db', dbPath, '--file', file], io)).toBe(0);
    const [event] = await c.waitForEvents('item-updated', 1);
    expect(event!.json).toMatchObject({ path: '/imported.jpg', version: 7, updated_by: 'legacy' });
    await vi.waitFor(() => expect(s.system.service.peek('/imported.jpg')).toMatchObject({ star: 3, tags: ['old'] }));
  });
});
