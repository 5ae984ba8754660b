import { describe, expect, it } from 'vitest';
import { suggestTags } from './tag-suggest.js';

describe('tag suggestions', () => {
  const known = ['cat', 'outdoor', 'catalog', 'dog', 'scat'];
  it('puts prefix matches before substring matches and skips tags already on the item', () => {
    expect(suggestTags('ca', known, ['catalog'])).toEqual(['cat', 'scat']);
  });
  it('lists the most used tags when nothing is typed', () => {
    expect(suggestTags('', known, ['dog'], 3)).toEqual(['cat', 'outdoor', 'catalog']);
  });
});
