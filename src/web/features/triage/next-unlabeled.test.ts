import { describe, expect, it } from 'vitest';
import { isUnlabeled, seekUnlabeled } from './next-unlabeled.js';

type L = { star: number | null; flag: 'pick' | 'reject' | null };
const list = (...items: (L | undefined)[]) => (i: number) => items[i];
const u: L = { star: null, flag: null };
const starred: L = { star: 3, flag: null };
const picked: L = { star: null, flag: 'pick' };

describe('next unlabeled', () => {
  it('counts an item without a star (0 is unrated) and without a flag as unlabeled', () => {
    expect(isUnlabeled(u)).toBe(true);
    expect(isUnlabeled({ star: 0, flag: null })).toBe(true);
    expect(isUnlabeled(starred)).toBe(false);
    expect(isUnlabeled({ star: null, flag: 'reject' })).toBe(false);
  });

  it('finds the next unlabeled item after the cursor', () => {
    expect(seekUnlabeled(0, 4, list(u, starred, picked, u))).toEqual({ kind: 'found', index: 3 });
    expect(seekUnlabeled(-1, 3, list(starred, u, u))).toEqual({ kind: 'found', index: 1 });
  });

  it('wraps once to the start and never lands on the cursor itself', () => {
    expect(seekUnlabeled(2, 4, list(starred, u, u, picked))).toEqual({ kind: 'found', index: 1 });
    expect(seekUnlabeled(1, 3, list(starred, u, picked))).toEqual({ kind: 'none' });
    expect(seekUnlabeled(-1, 0, list())).toEqual({ kind: 'none' });
  });

  it('asks for an item whose window is not loaded instead of skipping it', () => {
    expect(seekUnlabeled(0, 5, list(u, starred, undefined, u))).toEqual({ kind: 'load', index: 2 });
  });
});
