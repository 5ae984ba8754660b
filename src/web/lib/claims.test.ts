import { describe, expect, it } from 'vitest';
import { claimText, claimsOf } from './claims.js';

describe('soft claims', () => {
  it('[PW5] maps each open item to the other people on it, leaving me out whatever the case', () => {
    const claims = claimsOf(
      [
        { name: 'Bob', status: 'editing', item: '/a/1.jpg' },
        { name: 'cy', status: 'viewing', item: '/a/1.jpg' },
        { name: 'ada', status: 'viewing', item: '/a/2.jpg' },
        { name: 'dee', status: 'viewing' },
      ],
      'ADA',
    );
    expect([...claims]).toEqual([['/a/1.jpg', ['Bob', 'cy']]]);
    expect(claimsOf(undefined, null).size).toBe(0);
  });

  it('[PW5] says who is on the item', () => {
    expect(claimText(['Bob'])).toBe('Bob is on this item');
    expect(claimText(['Bob', 'Cy'])).toBe('Bob and Cy are on this item');
    expect(claimText(['Bob', 'Cy', 'Dee'])).toBe('Bob, Cy and 1 other are on this item');
    expect(claimText([])).toBe('');
  });
});
