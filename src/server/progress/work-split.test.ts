import { describe, expect, it } from 'vitest';
import { WorkSplit } from './work-split.js';

const PATHS = Array.from({ length: 9000 }, (_, i) => `/shoot-${i % 7}/img-${i}.jpg`);

describe('WorkSplit', () => {
  it('[PR7] every path belongs to exactly one person, the same whatever order the people are listed in, and the shares are even', () => {
    const split = new WorkSplit(['cy', 'ann', 'bob', 'ann']);
    const again = new WorkSplit(['bob', 'cy', 'ann']);
    expect(split.people).toEqual(['ann', 'bob', 'cy']);
    const shares = new Map<string, number>();
    for (const path of PATHS) {
      const owner = split.ownerOf(path);
      expect(again.ownerOf(path)).toBe(owner);
      shares.set(owner, (shares.get(owner) ?? 0) + 1);
    }
    expect([...shares.values()].reduce((a, b) => a + b)).toBe(PATHS.length);
    for (const n of shares.values()) expect(Math.abs(n - 3000)).toBeLessThan(300);
  });

  it('[PR7] adding a person moves only the items that person takes: nobody else’s work changes hands', () => {
    const before = new WorkSplit(['ann', 'bob', 'cy']);
    const after = new WorkSplit(['ann', 'bob', 'cy', 'dee']);
    let moved = 0;
    for (const path of PATHS) {
      const [was, now] = [before.ownerOf(path), after.ownerOf(path)];
      if (was !== now) {
        expect(now).toBe('dee');
        moved++;
      }
    }
    expect(Math.abs(moved - PATHS.length / 4)).toBeLessThan(300);
  });
});
