import { describe, expect, it } from 'vitest';
import { compareCodeUnits, naturalKey } from './collation.js';
import { NaturalKeys } from './natural-keys.js';

const NAMES = ['img10.jpg', 'img2.jpg', 'IMG2.jpg', 'img02.jpg', 'a', 'a.jpg', 'A', '', 'ß.png', 'Ω10.jpg', 'ω9.jpg', '😀1', '😀', 'x1234567890123', 'x999999999999', 'img2a.jpg', 'img2.JPG', '0', '00', 'z'];

describe('NaturalKeys', () => {
  it('[L1] holds every name key across slice boundaries: lengths, units and order as the key strings', () => {
    for (const slice of [1, 3, 7, 5000]) {
      const keys = new NaturalKeys(NAMES.length, (id) => NAMES[id]!, slice).complete();
      const strings = NAMES.map(naturalKey);
      for (let a = 0; a < NAMES.length; a++) {
        expect(keys.length(a)).toBe(strings[a]!.length);
        for (let j = 0; j < strings[a]!.length; j++) expect(keys.unit(a, j)).toBe(strings[a]!.charCodeAt(j));
        for (let b = 0; b < NAMES.length; b++) expect([slice, a, b, keys.compare(a, b)]).toEqual([slice, a, b, compareCodeUnits(strings[a]!, strings[b]!)]);
      }
    }
  });

  it('computes one slice per step and reports when it is done', () => {
    const keys = new NaturalKeys(5, (id) => `n${id}`, 2);
    expect([keys.step(), keys.step(), keys.step(), keys.step()]).toEqual([true, true, false, false]);
    expect(keys.compare(4, 0)).toBe(1);
    expect(new NaturalKeys(0, () => '').step()).toBe(false);
  });
});
