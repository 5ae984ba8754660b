import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sidecar } from '../../src/protocol/items.js';
import type { AppServices } from '../../src/server/app.js';
import type { SeedResult } from '../../src/server/datasets/parquet-seeds.js';
import type { FeedEvent } from '../../src/server/events/change-feed.js';
import type { LabelStore } from '../../src/server/labels/label-store.js';
import { launch, type Launched } from '../../src/server/launch.js';
import { SseClient } from '../labels/support/sse-client.js';
import { writeParquet } from './parquet-fixtures.js';

let dir: string;
const table = () => path.join(dir, 't.parquet');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-tseeds-'));
  mkdirSync(path.join(dir, 'imgs'));
  for (const [name, r] of [['red', 255], ['dark', 40], ['plain', 120]] as const) {
    writeFileSync(path.join(dir, 'imgs', `${name}.jpg`), await sharp({ create: { width: 8, height: 8, channels: 3, background: { r, g: 0, b: 0 } } }).jpeg().toBuffer());
  }
  writeParquet(table(), [
    { name: 'image', type: 'STRING', data: ['imgs/red.jpg', 'imgs/dark.jpg', 'imgs/plain.jpg'] },
    { name: 'aesthetic', type: 'DOUBLE', data: [0.9, 0.2, 0.5] },
    { name: 'tags', type: 'STRING_LIST', data: [['red', 'warm'], ['dark'], null] },
    { name: 'star', type: 'INT32', data: [4, 2, null] },
    { name: 'notes', type: 'STRING', data: ['a red square', null, null] },
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server on the table that reports its feed's events (from before it listens) and its seeding. */
async function start(file = table()): Promise<{ server: Launched; seeded: Promise<SeedResult | undefined>; events: FeedEvent[]; system: () => { store: LabelStore } }> {
  const events: FeedEvent[] = [];
  const onBuilt = (services: AppServices) => {
    services.feed.subscribe((e) => {
      events.push(e);
    });
  };
  const server = await launch({ path: file, port: 0, webDir: null, onBuilt });
  const { seeding, labels } = server.server.services;
  if (!seeding || !labels) throw new Error('a table served with labels seeds them');
  return { server, seeded: seeding.done, events, system: () => labels };
}

async function item(server: Launched, p: string): Promise<Sidecar> {
  const res = await fetch(`${server.url}/item?path=${encodeURIComponent(p)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Sidecar;
}

describe('table label seeds over HTTP', () => {
  it('[LV8] seeds at version 1 without events; a PATCH goes to 2; a restart keeps it and re-seeds nothing', async () => {
    const first = await start();
    expect(await first.seeded).toEqual({ inserted: 2, kept: 0, skipped: 0 });
    expect(await item(first.server, '/imgs/red.jpg')).toMatchObject({
      tags: ['red', 'warm'], star: 4, notes: 'a red square', version: 1, updated_by: 'table', updated_at: expect.any(String),
    });
    expect(await item(first.server, '/imgs/plain.jpg')).toMatchObject({ tags: [], star: null, version: 1, updated_at: null });
    const query = await fetch(`${first.server.url}/query`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters: [{ tags_all: ['dark'] }] }),
    });
    expect(((await query.json()) as { items: { path: string; version: number }[] }).items).toMatchObject([{ path: '/imgs/dark.jpg', version: 1 }]);
    // Open browsers are told once to refetch; nothing else was published.
    expect(first.events).toEqual([{ id: null, type: 'resync', data: { reason: 'labels_seeded', last_event_id: 0 } }]);
    expect(await first.system().store.currentEventId()).toBe(0);

    const patch = await fetch(`${first.server.url}/item?path=/imgs/red.jpg`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'seed-edit-1', 'x-lenslet-user': 'ann' },
      body: JSON.stringify({ base_version: 1, add_tags: ['square'], set_star: 5 }),
    });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ tags: ['red', 'warm', 'square'], star: 5, notes: 'a red square', version: 2, updated_by: 'ann' });
    await first.server.close();

    const second = await start();
    expect(await second.seeded).toEqual({ inserted: 0, kept: 2, skipped: 0 });
    expect(await item(second.server, '/imgs/red.jpg')).toMatchObject({ tags: ['red', 'warm', 'square'], star: 5, version: 2, updated_by: 'ann' });
    expect(await item(second.server, '/imgs/dark.jpg')).toMatchObject({ tags: ['dark'], star: 2, version: 1 });
    expect(second.events).toEqual([]);
    // The replay from the start of the log holds the PATCH only.
    const head = await second.system().store.currentEventId();
    expect(head).toBe(1);
    const sse = await SseClient.connect(`${second.server.url}/events`, { 'last-event-id': '0' });
    try {
      await sse.until(() => sse.lastEventId === String(head), 5000, 'replay to the head');
      const replayed = sse.messages.filter((m) => m.id !== null);
      expect(replayed.map((m) => [m.event, m.id, (m.json as { path: string }).path])).toEqual([['item-updated', '1', '/imgs/red.jpg']]);
    } finally {
      sse.close();
      await second.server.close();
    }
  });

  it('[LV8] a table without label columns creates no labels database', async () => {
    const bare = path.join(dir, 'bare.parquet');
    writeParquet(bare, [
      { name: 'image', type: 'STRING', data: ['imgs/red.jpg', 'imgs/dark.jpg'] },
      { name: 'aesthetic', type: 'DOUBLE', data: [0.9, 0.2] },
    ]);
    const { server, seeded, events } = await start(bare);
    try {
      expect(await seeded).toEqual({ inserted: 0, kept: 0, skipped: 0 });
      expect(events).toEqual([]);
      expect(existsSync(server.server.workspace.labelsDbPath)).toBe(false);
    } finally {
      await server.close();
    }
  });
});
