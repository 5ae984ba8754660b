import { afterEach, describe, expect, it } from 'vitest';
import { historyResponseSchema } from '../../src/protocol/history.js';
import { expectWireResponse } from '../support/wire.js';
import { startLabelServer, type LabelServer } from './support/harness.js';

/** History entries carry the labels of their version, so a browser can restore one: labels/SPEC.md LV10. */

let servers: LabelServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

let keySeq = 0;
async function req(s: LabelServer, method: 'GET' | 'PATCH' | 'PUT', url: string, body?: unknown, user = 'ann') {
  const res = await s.app.inject({ method, url, payload: body as object, headers: { 'idempotency-key': `hist:${++keySeq}`, 'x-lenslet-user': user } });
  expectWireResponse(method, url, res.statusCode, res.body ? res.json() : null, String(res.headers['content-type']));
  return res;
}
const at = (path: string) => `/item?path=${encodeURIComponent(path)}`;
const historyOf = async (s: LabelServer, path: string) =>
  historyResponseSchema.parse((await req(s, 'GET', `/item/history?path=${encodeURIComponent(path)}&limit=100`)).json()).entries;

describe('history with labels, and restoring a version', () => {
  it('[LV10] GET /item/history gives each version its labels, a metrics-only version the labels it kept', async () => {
    const s = await startLabelServer({ listen: false });
    servers.push(s);
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 1, set_star: 2, add_tags: ['cat'], set_notes: 'first' });
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 2, set_flag: 'pick', add_tags: ['dog'] }, 'bob');
    await req(s, 'PUT', '/metrics', { items: [{ path: '/a.jpg', metrics: { q: 0.5 } }] }, 'worker');
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 4, set_star: 5, remove_tags: ['cat'], set_notes: 'n'.repeat(700) });

    const entries = await historyOf(s, '/a.jpg');
    expect(entries.map((e) => [e.version, e.updated_by, e.labels?.star, e.labels?.flag, e.labels?.tags])).toEqual([
      [5, 'ann', 5, 'pick', ['dog']],
      [4, 'worker', 2, 'pick', ['cat', 'dog']],
      [3, 'bob', 2, 'pick', ['cat', 'dog']],
      [2, 'ann', 2, null, ['cat']],
    ]);
    // The change shown is clipped; the labels to restore are not.
    expect(entries[0]!.changes.notes!.to).toHaveLength(501);
    expect(entries[0]!.labels!.notes).toHaveLength(700);
  });

  it('[LV10] restoring a version is a new versioned write of its labels: history keeps every version', async () => {
    const s = await startLabelServer({ listen: false });
    servers.push(s);
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 1, set_star: 3, add_tags: ['keep'] });
    await req(s, 'PATCH', at('/a.jpg'), { base_version: 2, set_star: 1, set_tags: ['oops'], set_flag: 'reject' }, 'bob');
    const v2 = (await historyOf(s, '/a.jpg')).find((e) => e.version === 2)!.labels!;
    const restored = await req(s, 'PATCH', at('/a.jpg'), {
      base_version: 3,
      set_star: v2.star,
      set_flag: v2.flag,
      set_tags: v2.tags,
      set_notes: v2.notes,
    });
    expect(restored.json()).toMatchObject({ version: 4, star: 3, flag: null, tags: ['keep'] });
    const entries = await historyOf(s, '/a.jpg');
    expect(entries.map((e) => e.version)).toEqual([4, 3, 2]);
    expect(entries[0]!.labels).toEqual(v2);
    // A stale base is refused as any write would be: someone else's newer change is never overwritten.
    const stale = await req(s, 'PATCH', at('/a.jpg'), { base_version: 3, set_star: 1 });
    expect(stale.statusCode).toBe(409);
  });
});
