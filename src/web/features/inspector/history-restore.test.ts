import { describe, expect, it } from 'vitest';
import { sameVersionLabels } from './history-format.js';

const labels = { star: 3, flag: 'pick' as const, tags: ['a', 'b'], notes: 'n' };

describe('which history versions can be restored', () => {
  it('[UN19] a version with the labels the item shows now has nothing to restore; any other field makes it restorable', () => {
    expect(sameVersionLabels(labels, { ...labels, tags: ['b', 'a'] })).toBe(true);
    expect(sameVersionLabels(labels, { ...labels, star: 4 })).toBe(false);
    expect(sameVersionLabels(labels, { ...labels, flag: null })).toBe(false);
    expect(sameVersionLabels(labels, { ...labels, notes: 'm' })).toBe(false);
    expect(sameVersionLabels(labels, { ...labels, tags: ['a'] })).toBe(false);
    expect(sameVersionLabels(labels, { ...labels, tags: ['a', 'c'] })).toBe(false);
  });
});
