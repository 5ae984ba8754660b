import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatNumber } from './format.js';

describe('format', () => {
  it('keeps small counts exact and compacts large ones', () => {
    expect(formatCount(9_999)).toBe('9,999');
    expect(formatCount(100_000)).toBe('100K');
    expect(formatCount(12_345)).toBe('12.3K');
    expect(formatNumber(100_000)).toBe('100,000');
  });
  it('formats byte sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
  });
});
