import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { call, label, TREE } from './support.js';

/** `GET /activity` (issue 14's activity feed) in the real server; rules PR11–PR12 in src/server/progress/SPEC.md. */

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function serve(options: Parameters<typeof startTestServer>[1] = {}) {
  const s = await startTestServer(TREE, options);
  servers.push(s);
  await s.server.services.progress!.ready;
  return s;
}

const activity = (s: TestServer, query: string) => call(s, 'GET', `/activity?${query}`);
// biome-ignore lint/suspicious/noExplicitAny: reply bodies are checked against the protocol by `call`
const brief = (body: any) => body.entries.map((e: { path: string; user: string; kind: string }) => `${e.user} ${e.kind} ${e.path}`);

describe('GET /activity', () => {
  it('[PR11] the label writes at or below a folder, newest first, with who, when and what changed; flat or with the subtree', async () => {
    const s = await serve();
    await label(s, '/a/1.jpg', { set_star: 5, add_tags: ['cat'] }, 'ann');
    await label(s, '/a/b/1.jpg', { set_flag: 'pick' }, 'bob');
    await label(s, '/c/1.jpg', { set_notes: 'hm' }, 'bob');
    await label(s, '/a/1.jpg', { set_star: 3, remove_tags: ['cat'] }, 'cy');

    const tree = await activity(s, 'path=/a');
    expect(tree.status).toBe(200);
    expect(brief(tree.body)).toEqual(['cy updated /a/1.jpg', 'bob updated /a/b/1.jpg', 'ann updated /a/1.jpg']);
    expect(tree.body.next_before).toBeNull();
    const [newest] = tree.body.entries;
    expect(newest.changes).toEqual({ star: { from: 5, to: 3 }, tags: { added: [], removed: ['cat'] } });
    expect(newest.version).toBe(3);
    expect(Date.parse(newest.at)).toBeLessThanOrEqual(Date.now());
    expect(tree.body.entries[1].changes).toEqual({ flag: { from: null, to: 'pick' } });
    expect(tree.body.entries.map((e: { id: number }) => e.id)).toEqual([...tree.body.entries.map((e: { id: number }) => e.id)].sort((x, y) => y - x));

    expect(brief((await activity(s, 'path=/a&recursive=false')).body)).toEqual(['cy updated /a/1.jpg', 'ann updated /a/1.jpg']);
    expect(brief((await activity(s, '')).body)).toHaveLength(4);
    expect(brief((await activity(s, 'path=/a/b&recursive=0')).body)).toEqual(['bob updated /a/b/1.jpg']);
    expect((await activity(s, 'path=/c/')).body.entries[0].changes).toEqual({ notes: { from: '', to: 'hm' } });
  });

  it('[PR11] pages with limit and before: next_before leads to the older entries, each listed once, null at the end', async () => {
    const s = await serve();
    for (let i = 0; i < 7; i++) await label(s, `/a/${(i % 3) + 1}.jpg`, { set_star: (i % 5) + 1 }, `u${i}`);
    await label(s, '/c/1.jpg', { set_star: 1 }, 'other');
    const users: string[] = [];
    let query = 'path=/a&limit=3';
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(5);
      const page = await activity(s, query);
      expect(page.body.entries.length).toBeLessThanOrEqual(3);
      users.push(...page.body.entries.map((e: { user: string }) => e.user));
      if (page.body.next_before === null) break;
      query = `path=/a&limit=3&before=${page.body.next_before}`;
    }
    expect(users).toEqual(['u6', 'u5', 'u4', 'u3', 'u2', 'u1', 'u0']);
  });

  it('[PR11] a move is listed in the folder it left and the one it reached, under its new path', async () => {
    const s = await serve();
    await label(s, '/a/1.jpg', { set_star: 4 }, 'ann');
    await s.server.services.labels!.service.moveItems([{ from: '/a/1.jpg', to: '/c/9.jpg' }], 'watcher');
    for (const folder of ['/a', '/c']) {
      const [moved] = (await activity(s, `path=${folder}&recursive=false`)).body.entries;
      expect(moved).toMatchObject({ kind: 'moved', path: '/c/9.jpg', user: 'watcher', changes: { moved: { from: '/a/1.jpg', to: '/c/9.jpg' } } });
    }
    expect(brief((await activity(s, 'path=/')).body)).toEqual(['watcher moved /c/9.jpg', 'ann updated /a/1.jpg']);
  });

  it('[PR11] bad input is a 4xx JSON error: a bad path, an unknown folder, a bad limit, recursive or before', async () => {
    const s = await serve();
    const codes = async (query: string) => {
      const r = await activity(s, query);
      return [r.status, r.body.error?.code];
    };
    expect(await codes('path=/a/../..')).toEqual([400, 'invalid_path']);
    expect(await codes('path=/nope')).toEqual([404, 'folder_not_found']);
    expect(await codes('path=/a&limit=0')).toEqual([400, 'invalid_parameter']);
    expect(await codes('path=/a&limit=201')).toEqual([400, 'invalid_parameter']);
    expect(await codes('path=/a&limit=x')).toEqual([400, 'invalid_parameter']);
    expect(await codes('path=/a&recursive=maybe')).toEqual([400, 'invalid_parameter']);
    expect(await codes('path=/a&before=-1')).toEqual([400, 'invalid_parameter']);
    expect(await codes('path=/a&before=1.5')).toEqual([400, 'invalid_parameter']);
  });

  it('[PR12] writes made before a restart are listed from the event log; compacted ones end the feed without an error', async () => {
    const s = await serve({ labels: { storeOptions: { eventRetention: 5 } } });
    for (let i = 0; i < 12; i++) await label(s, `/a/${(i % 4) + 1}.jpg`, { set_star: (i % 5) + 1 }, `u${i}`);
    await s.server.close();
    const { startServer } = await import('../../src/server/index.js');
    const again = await startServer({ root: s.dir, port: 0, webDir: null, labels: { storeOptions: { eventRetention: 5 } } });
    try {
      await again.source.whenIdle();
      const restarted = { ...s, url: again.url } as TestServer;
      const first = await activity(restarted, 'path=/a&limit=4');
      expect(first.status).toBe(200);
      expect(first.body.entries.map((e: { user: string }) => e.user)).toEqual(['u11', 'u10', 'u9', 'u8']);
      // The log keeps at least the newest 5 (and up to a compaction step more); older ones are gone.
      const rest = await activity(restarted, `path=/a&limit=50&before=${first.body.next_before}`);
      expect(rest.status).toBe(200);
      expect(rest.body.entries.length).toBeGreaterThanOrEqual(1);
      expect(rest.body.next_before).toBeNull();
      const users = rest.body.entries.map((e: { user: string }) => Number(e.user.slice(1)));
      expect(users).toEqual([...users].sort((x, y) => y - x));
      expect(users[0]).toBe(7);
    } finally {
      await again.close();
    }
  });
});
