import { describe, expect, it } from 'vitest';
import { summarize } from './selection-summary.js';

describe('selection summary', () => {
  it('shows a shared star, or mixed, and tag counts', () => {
    expect(summarize([{ star: 3, flag: 'pick', tags: ['a', 'b'], size: 10 }, { star: 3, flag: 'pick', tags: ['a'], size: 5 }])).toEqual({
      star: 3,
      flag: 'pick',
      tags: [
        { tag: 'a', count: 2 },
        { tag: 'b', count: 1 },
      ],
      totalSize: 15,
    });
    expect(summarize([{ star: 3, flag: null, tags: [], size: 1 }, { star: null, flag: null, tags: [], size: 1 }]).star).toBe('mixed');
    expect(summarize([{ star: 3, flag: 'pick', tags: [], size: 1 }, { star: 3, flag: null, tags: [], size: 1 }])).toMatchObject({ star: 3, flag: 'mixed' });
    expect(summarize([])).toMatchObject({ star: null, flag: null });
  });
});
