import { describe, expect, it } from 'vitest';
import { ITEM_SETTLE_MS, PresenceClient, type PresenceClientOptions, presenceLabel, presenceWho, presenceWhoText, readCounts, type PresenceStatus } from './presence-client.js';
import { FakeClock, flush } from './testing/fakes.js';

function setup(extra: Partial<PresenceClientOptions> = {}) {
  const clock = new FakeClock();
  const posts: Array<[string, unknown]> = [];
  const beacons: Array<[string, unknown]> = [];
  const counts: unknown[] = [];
  let status: PresenceStatus = 'viewing';
  const client = new PresenceClient({
    clock,
    clientId: 'c1.tab1',
    token: 'secret-token-1',
    post: async (path, body) => {
      posts.push([path, body]);
      const g = (body as { gallery_id: string }).gallery_id;
      return { gallery_id: g, viewers: 2, editors: 0, updated_at: 'x' };
    },
    beacon: (path, body) => {
      beacons.push([path, body]);
      return true;
    },
    getStatus: () => status,
    onCounts: (c) => counts.push(c),
    random: () => 0.5,
    ...extra,
  });
  return { clock, posts, beacons, counts, client, setStatus: (s: PresenceStatus) => (status = s) };
}

describe('presence client', () => {
  it('joins at once and beats every 5 s, well inside the 15 s staleness', async () => {
    const { client, posts, clock, counts } = setup();
    client.setGallery('/animals');
    await flush();
    expect(posts).toEqual([['/presence', { gallery_id: '/animals', client_id: 'c1.tab1', token: 'secret-token-1', status: 'viewing' }]]);
    expect(counts).toEqual([{ gallery_id: '/animals', viewers: 2, editors: 0, updated_at: 'x' }]);
    await clock.advance(15_000);
    expect(posts).toHaveLength(4);
  });

  it('leaves the old folder and joins the new one when the folder changes', async () => {
    const { client, posts } = setup();
    client.setGallery('/a');
    client.setGallery('/b');
    client.setGallery('/b');
    await flush();
    expect(posts.map(([p, b]) => [p, (b as { gallery_id: string }).gallery_id])).toEqual([
      ['/presence', '/a'],
      ['/presence/leave', '/a'],
      ['/presence', '/b'],
    ]);
  });

  it('reports editing at once when the status changes, and only then', async () => {
    const { client, posts, setStatus } = setup();
    client.setGallery('/a');
    client.statusChanged();
    setStatus('editing');
    client.statusChanged();
    client.statusChanged();
    await flush();
    expect(posts.map(([, b]) => (b as { status: string }).status)).toEqual(['viewing', 'editing']);
  });

  it('leaves by beacon on pagehide, stays quiet while hidden, and re-joins on pageshow', async () => {
    const { client, posts, beacons, clock } = setup();
    client.setGallery('/a');
    client.pageHide();
    // The beacon carries the tab's token: the server ends this tab's presence and no one else's.
    expect(beacons).toEqual([['/presence/leave', { gallery_id: '/a', client_id: 'c1.tab1', token: 'secret-token-1' }]]);
    await clock.advance(30_000);
    expect(posts).toHaveLength(1);
    client.pageShow();
    await flush();
    expect(posts).toHaveLength(2);
  });

  it('reads the counts the server answers with, nothing else, and labels them', () => {
    const counts = { gallery_id: '/', viewers: 3, editors: 1, updated_at: '2026-01-23T19:25:15Z' };
    expect(readCounts(counts)).toEqual(counts);
    expect(readCounts({ gallery_id: '/', viewing: 3, editing: 1 })).toBeNull();
    expect(readCounts({ nope: 1 })).toBeNull();
    expect(presenceLabel({ viewers: 3, editors: 1 })).toBe('3 viewing · 1 editing');
    expect(presenceLabel({ viewers: 2, editors: 0 })).toBe('2 viewing · 0 editing');
  });

  it('sends the display name with each beat, once one is set', async () => {
    let name = '';
    const { client, posts, clock } = setup({ getName: () => name });
    client.setGallery('/a');
    await flush();
    name = ' Zoë ';
    await clock.advance(5_000);
    expect(posts.map(([, body]) => (body as { name?: string }).name)).toEqual([undefined, 'Zoë']);
  });

  it('[PW5] sends the open item with every beat, a change shortly after it, and none once it is closed', async () => {
    const { client, posts, clock } = setup();
    client.setGallery('/a');
    await flush();
    client.setItem('/a/1.jpg');
    client.setItem('/a/1.jpg');
    await clock.advance(ITEM_SETTLE_MS);
    await clock.advance(5_000);
    client.setItem(null);
    await clock.advance(ITEM_SETTLE_MS);
    expect(posts.map(([path, body]) => [path, (body as { item?: string | null }).item])).toEqual([
      ['/presence', undefined],
      ['/presence', '/a/1.jpg'],
      ['/presence', '/a/1.jpg'],
      ['/presence', undefined],
    ]);
  });

  it('[PW5] sends a changed item after the key press, not in it, and a quick run of changes as one beat', async () => {
    const { client, posts, clock } = setup();
    client.setGallery('/a');
    await flush();
    // Auto-advance: the inspector closes one item and opens the next in the same task.
    client.setItem('/a/1.jpg');
    client.setItem(null);
    client.setItem('/a/2.jpg');
    await flush();
    expect(posts).toHaveLength(1);
    await clock.advance(ITEM_SETTLE_MS / 2);
    client.setItem(null);
    client.setItem('/a/3.jpg');
    await clock.advance(ITEM_SETTLE_MS / 2);
    expect(posts.map(([, body]) => (body as { item?: string }).item)).toEqual([undefined, '/a/3.jpg']);
    await clock.advance(ITEM_SETTLE_MS);
    expect(posts).toHaveLength(2);
  });

  it('says who is here: names with their status, and what the list leaves out', () => {
    const users = [
      { name: 'Ann', status: 'editing' as const },
      { name: 'Bob', status: 'viewing' as const },
    ];
    const who = presenceWho({ viewers: 3, editors: 1, users });
    expect(who).toEqual({ people: users, note: null });
    expect(presenceWhoText(who)).toBe('Ann (editing), Bob (viewing)');
    expect(presenceWho({ viewers: 2, editors: 0, users: [] }).note).toBe('Nobody here has a name yet');
    expect(presenceWho({ viewers: 2, editors: 0 }).note).toBe('This server does not share names');
    expect(presenceWho({ viewers: 0, editors: 0, users: [] }).note).toBe('Nobody is here');
    const many = Array.from({ length: 50 }, (_, i) => ({ name: `p${i}`, status: 'viewing' as const }));
    expect(presenceWhoText(presenceWho({ viewers: 70, editors: 0, users: many }))).toMatch(/p49 \(viewing\)\. The first 50 names$/);
  });
});
