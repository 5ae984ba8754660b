import { describe, expect, it } from 'vitest';
import { activityMessage, personName, Pulses, RecentActivity } from './activity.js';

describe('recent activity', () => {
  it('summarizes other people’s changes over the last 30 s', () => {
    const a = new RecentActivity();
    a.record('/a.jpg', 'Bob', 1_000);
    a.record('/b.jpg', 'Bob', 5_000);
    expect(a.summary(6_000)).toEqual({ count: 2, people: ['Bob'], message: 'Bob updated items in the last 30s', expiresAt: 31_000 });
    expect(a.summary(31_000).count).toBe(1);
    expect(a.summary(35_000)).toMatchObject({ count: 0, message: null, expiresAt: null });
  });

  it('says Someone when the name is unknown', () => {
    const a = new RecentActivity();
    a.record('/a.jpg', 'server', 0);
    a.record('/b.jpg', '3f2a9c1e-8b7d-4e2f-9a1b-0c9d8e7f6a5b', 0);
    expect(a.summary(1).message).toBe('Someone updated items in the last 30s');
  });

  it('names several people', () => {
    expect(activityMessage(['Ann', 'Bob'], false)).toBe('Ann and Bob updated items in the last 30s');
    expect(activityMessage(['Ann'], true)).toBe('Ann and others updated items in the last 30s');
    expect(activityMessage(['A', 'B', 'C', 'D'], false)).toBe('A, B and 2 others updated items in the last 30s');
    expect(personName('  Zoë ')).toBe('Zoë');
    expect(personName('')).toBeNull();
  });

  it('pulses a changed cell for 1.4 s', () => {
    const p = new Pulses();
    p.mark('/a.jpg', 100);
    expect(p.since('/a.jpg', 1_000)).toBe(100);
    expect(p.since('/a.jpg', 1_500)).toBeNull();
    expect(p.since('/b.jpg', 0)).toBeNull();
  });
});
