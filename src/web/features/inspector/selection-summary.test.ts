import { describe, expect, it } from 'vitest';
import { summarize } from './selection-summary.js';

describe('selection summary', () => {
  it('shows a shared star, or mixed, and tag counts', () => {
    expect(summarize([{ star: 3, tags: ['a', 'b'], size: 10 }, { star: 3, tags: ['a'], size: 5 }])).toEqual({
      star: 3,
      tags: [
        { tag: 'a', count: 2 },
        { tag: 'b', count: 1 },
      ],
      totalSize: 15,
    });
    expect(summarize([{ star: 3, tags: [], size: 1 }, { star: null, tags: [], size: 1 }]).star).toBe('mixed');
    expect(summarize([]).star).toBeNull();
  });
});
