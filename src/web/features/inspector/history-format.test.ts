import { describe, expect, it } from 'vitest';
import { describeChanges, relativeTime, whoDid } from './history-format.js';

describe('history formatting', () => {
  it('describes star, tag and note changes', () => {
    expect(describeChanges({ star: { from: 2, to: 4 } })).toEqual(['★★ → ★★★★']);
    expect(describeChanges({ star: { from: null, to: 3 }, tags: { added: ['cat'], removed: ['dog', 'x'] } })).toEqual([
      'rated ★★★',
      'added cat',
      'removed dog, x',
    ]);
    expect(describeChanges({ star: { from: 3, to: null }, notes: { from: 'a', to: '' } })).toEqual(['cleared the rating', 'cleared notes']);
    expect(describeChanges({ notes: { from: '', to: 'x' } })).toEqual(['added notes']);
    expect(describeChanges({})).toEqual(['no change']);
    expect(describeChanges({ flag: { from: null, to: 'pick' } })).toEqual(['picked']);
    expect(describeChanges({ star: { from: null, to: 1 }, flag: { from: 'pick', to: 'reject' } })).toEqual(['rated ★', 'rejected']);
    expect(describeChanges({ flag: { from: 'reject', to: null } })).toEqual(['cleared the flag']);
    expect(describeChanges({ moved: { from: '/old/a.jpg', to: '/new/a.jpg' } })).toEqual(['Moved from /old/a.jpg']);
  });

  it('names people, not client ids', () => {
    expect(whoDid('Ada')).toBe('Ada');
    expect(whoDid('7c9e6679-7425-40de-944b-e07fc1f90ae7')).toBe('Someone');
    expect(whoDid(null)).toBe('Someone');
  });

  it('says when, relatively', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(relativeTime('2026-01-10T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-01-10T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeTime('2026-01-10T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2025-12-01T09:00:00Z', now)).toBe('2025-12-01');
  });
});
