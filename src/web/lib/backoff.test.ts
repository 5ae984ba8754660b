import { describe, expect, it } from 'vitest';
import { backoffDelay, MAX_BACKOFF_MS } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at 30 s', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(0, mid)).toBe(1000);
  });

  it('spreads each wait by ±25 %', () => {
    expect(backoffDelay(3, () => 0)).toBe(3000);
    expect(backoffDelay(3, () => 0.999999)).toBe(5000);
    expect(backoffDelay(50, () => 0.999999)).toBe(Math.round(MAX_BACKOFF_MS * 1.25));
  });
});
