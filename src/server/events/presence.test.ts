import { describe, expect, it } from 'vitest';
import { MAX_PRESENCE_USERS, type PresenceCounts } from '../../protocol/presence.js';
import { PresenceTracker } from './presence.js';

describe('PresenceTracker names', () => {
  it('lists each name once, editing winning over viewing, editors first; unnamed clients are counted only', () => {
    const published: PresenceCounts[] = [];
    const presence = new PresenceTracker({ onChange: (c) => published.push(c) });
    presence.heartbeat('/a', 'c1', 'viewing', 't1', 'zoe');
    presence.heartbeat('/a', 'c2', 'viewing', 't2', 'ann');
    presence.heartbeat('/a', 'c3', 'editing', 't3', 'ann');
    presence.heartbeat('/a', 'c4', 'viewing', 't4');
    expect(presence.counts('/a')).toMatchObject({
      viewers: 3,
      editors: 1,
      users: [
        { name: 'ann', status: 'editing' },
        { name: 'zoe', status: 'viewing' },
      ],
    });
    expect(published.at(-1)!.users).toHaveLength(2);
  });

  it('publishes when who is present changes even if the numbers do not', () => {
    const published: PresenceCounts[] = [];
    const presence = new PresenceTracker({ onChange: (c) => published.push(c) });
    presence.heartbeat('/a', 'c1', 'editing', 't1', 'ann');
    presence.heartbeat('/a', 'c2', 'viewing', 't2', 'bob');
    presence.heartbeat('/a', 'c1', 'viewing', 't1', 'ann');
    presence.heartbeat('/a', 'c2', 'editing', 't2', 'bob');
    presence.heartbeat('/a', 'c2', 'editing', 't2', 'bob'); // nothing new: not published
    expect(published.map((c) => [c.viewers, c.editors, c.users!.map((u) => `${u.name}:${u.status}`).join()])).toEqual([
      [0, 1, 'ann:editing'],
      [1, 1, 'ann:editing,bob:viewing'],
      [2, 0, 'ann:viewing,bob:viewing'],
      [1, 1, 'bob:editing,ann:viewing'],
    ]);
    presence.leave('c2', '/a', 't2');
    expect(published.at(-1)).toMatchObject({ viewers: 1, editors: 0, users: [{ name: 'ann', status: 'viewing' }] });
  });

  it(`bounds the list to ${MAX_PRESENCE_USERS} names, keeping editors`, () => {
    const presence = new PresenceTracker();
    for (let i = 0; i < 80; i++) presence.heartbeat('/a', `c${i}`, 'viewing', `t${i}`, `viewer-${String(i).padStart(2, '0')}`);
    presence.heartbeat('/a', 'e', 'editing', 'te', 'zed');
    const counts = presence.counts('/a');
    expect([counts.viewers, counts.editors, counts.users!.length]).toEqual([80, 1, MAX_PRESENCE_USERS]);
    expect(counts.users![0]).toEqual({ name: 'zed', status: 'editing' });
  });
});

describe('PresenceTracker with other servers’ entries', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('counts the other servers’ live entries with its own and publishes when they change', () => {
    const c = clock();
    const published: PresenceCounts[] = [];
    const a = new PresenceTracker({ now: c.now, ttlMs: 1000, onChange: (x) => published.push(x) });
    a.heartbeat('/g', 'c1', 'viewing', 't1', 'ann');
    a.setRemote([{ key: 'k2', clientId: 'c2', gallery: '/g/', status: 'editing', name: 'bob', item: null, lastSeen: c.now() }]);
    expect(a.counts('/g')).toMatchObject({ viewers: 1, editors: 1, users: [{ name: 'bob', status: 'editing' }, { name: 'ann', status: 'viewing' }] });
    expect(published.map((x) => [x.viewers, x.editors])).toEqual([[1, 0], [1, 1]]);
    expect(a.isIn('c2', '/g')).toBe(true);
    // A server that died stops refreshing its entries: they expire like stale heartbeats.
    c.advance(600);
    a.heartbeat('/g', 'c1', 'viewing', 't1', 'ann');
    c.advance(500);
    a.prune();
    expect(a.counts('/g')).toMatchObject({ viewers: 1, editors: 0 });
    expect(published.at(-1)).toMatchObject({ viewers: 1, editors: 0 });
    expect(a.isIn('c2', '/g')).toBe(false);
  });

  it('a client whose heartbeats go to several servers counts once, where it last reported; a leave anywhere ends it', () => {
    const c = clock();
    const a = new PresenceTracker({ now: c.now });
    const b = new PresenceTracker({ now: c.now });
    a.heartbeat('/x', 'c1', 'viewing', 't');
    c.advance(10);
    b.heartbeat('/y', 'c1', 'viewing', 't');
    a.setRemote(b.sharedEntries());
    b.setRemote(a.sharedEntries());
    for (const t of [a, b]) expect([t.counts('/x').viewers, t.counts('/y').viewers]).toEqual([0, 1]);
    // The leave reaches A, whose own entry is the older one: B's stops counting too.
    c.advance(10);
    a.leave('c1', '/y', 't');
    b.setRemote(a.sharedEntries());
    a.setRemote(b.sharedEntries());
    for (const t of [a, b]) expect([t.counts('/x').viewers, t.counts('/y').viewers]).toEqual([0, 0]);
    // Only the token's owner can leave: another token names another entry.
    c.advance(10);
    b.heartbeat('/y', 'c1', 'viewing', 't');
    a.setRemote(b.sharedEntries());
    a.leave('c1', '/y', 'forged');
    b.setRemote(a.sharedEntries());
    expect(b.counts('/y').viewers).toBe(1);
    expect(JSON.stringify(a.sharedEntries())).not.toContain('"t"');
  });
});
