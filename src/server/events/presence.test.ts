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
