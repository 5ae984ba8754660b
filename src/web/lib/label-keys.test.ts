import { describe, expect, it } from 'vitest';
import { flagFromKey, isNextUnlabeledKey, ratingFromKey, ratingTargets } from './label-keys.js';

describe('rating keys', () => {
  it('maps 1–5 to stars and 0 to clear', () => {
    expect(ratingFromKey({ key: '4' }, { tagName: 'DIV' })).toBe(4);
    expect(ratingFromKey({ key: '0' }, null)).toBeNull();
    expect(ratingFromKey({ key: '6' }, null)).toBeUndefined();
  });

  it('never fires while typing or with modifiers', () => {
    expect(ratingFromKey({ key: '3' }, { tagName: 'TEXTAREA' })).toBeUndefined();
    expect(ratingFromKey({ key: '3' }, { tagName: 'INPUT', type: 'text' })).toBeUndefined();
    expect(ratingFromKey({ key: '3', ctrlKey: true }, null)).toBeUndefined();
    expect(ratingFromKey({ key: '3' }, { tagName: 'INPUT', type: 'range' })).toBe(3);
  });

  it('in the compare view, leaves 1 to "fit" and takes Shift+1 as one star', () => {
    expect(ratingFromKey({ key: '1' }, null, true)).toBeUndefined();
    expect(ratingFromKey({ key: '!', code: 'Digit1', shiftKey: true }, null, true)).toBe(1);
    expect(ratingFromKey({ key: '!', code: 'Digit1', shiftKey: true }, null, false)).toBeUndefined();
    expect(ratingFromKey({ key: '5' }, null, true)).toBe(5);
    expect(ratingFromKey({ key: '0' }, null, true)).toBeNull();
  });

  it('targets the viewer item, else the selection', () => {
    expect(ratingTargets('/v.jpg', ['/a.jpg'])).toEqual(['/v.jpg']);
    expect(ratingTargets(null, ['/a.jpg', '/b.jpg'])).toEqual(['/a.jpg', '/b.jpg']);
    expect(ratingTargets(null, [])).toEqual([]);
  });
});

describe('flag keys', () => {
  it('maps P to pick, X to reject and U to clear, in either case', () => {
    expect(flagFromKey({ key: 'p' }, null)).toBe('pick');
    expect(flagFromKey({ key: 'P' }, { tagName: 'DIV' })).toBe('pick');
    expect(flagFromKey({ key: 'x' }, null)).toBe('reject');
    expect(flagFromKey({ key: 'u' }, null)).toBeNull();
    expect(flagFromKey({ key: 'q' }, null)).toBeUndefined();
  });

  it('never fires while typing or with modifiers (Shift+P is a letter someone meant)', () => {
    expect(flagFromKey({ key: 'p' }, { tagName: 'INPUT', type: 'text' })).toBeUndefined();
    expect(flagFromKey({ key: 'x', ctrlKey: true }, null)).toBeUndefined();
    expect(flagFromKey({ key: 'P', shiftKey: true }, null)).toBeUndefined();
    expect(isNextUnlabeledKey({ key: 'n' }, null)).toBe(true);
    expect(isNextUnlabeledKey({ key: 'n' }, { tagName: 'TEXTAREA' })).toBe(false);
    expect(isNextUnlabeledKey({ key: 'n', metaKey: true }, null)).toBe(false);
  });
});
