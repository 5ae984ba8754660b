import { describe, expect, it } from 'vitest';
import { compareCodeUnits, naturalKey } from './collation.js';
import { compareByName, sortByNameSteps } from './name-order.js';
import { CLAMPED, compareNaturalNames, ENDED, MORE, packNaturalKey } from './natural-keys.js';
import { drain } from './radix.js';

const NAMES = [
  'img10.jpg', 'img2.jpg', 'IMG2.jpg', 'img02.jpg', 'a', 'a.jpg', 'A', '', 'ß.png', 'Ω10.jpg', 'ω9.jpg', '😀1', '😀', 'x1234567890123',
  'x999999999999', 'x0999999999999', 'x100000000000', 'x99999999999', 'img2a.jpg', 'img2.JPG', '0', '00', 'z', 'a/', 'a-1', 'a:1', 'a1',
  'a01b', 'a1b2', 'a1b02', 'a 1', 'ΣΑΣ', 'σας', 'İx', 'i̇x', 'Kelvin', 'K1', '~', '\u00fe1', '\u0100', '\u00ff', '\u00fe', '99', '9', 'x.1.2',
];

const sign = (n: number) => Math.sign(n);

describe('natural keys read from names', () => {
  it('[L1] compare as the padded key strings do, from any start in a path', () => {
    for (const a of NAMES) {
      for (const b of NAMES) {
        const want = sign(compareCodeUnits(naturalKey(a), naturalKey(b)));
        expect([a, b, sign(compareNaturalNames(a, 0, b, 0))]).toEqual([a, b, want]);
        expect([a, b, sign(compareNaturalNames(`/x/${a}`, 3, `/yy/${b}`, 4))]).toEqual([a, b, want]);
      }
    }
  });

  it('[L1] pack eight bytes or four 16-bit units from any offset without contradicting the key order', () => {
    const out = new Uint32Array(2);
    for (const wide of [false, true]) {
      const fields = wide ? 4 : 8;
      for (const skip of [0, 1, 3, 8, 13]) {
        const packed = NAMES.map((name) => {
          const end = packNaturalKey(`/d/${name}`, 3, skip, wide, out);
          return { name, hi: out[0]!, lo: out[1]!, end };
        });
        for (const p of packed) {
          const key = naturalKey(p.name);
          const rest = key.slice(skip);
          const clamped = Array.from(rest.slice(0, fields), (_, j) => rest.charCodeAt(j)).some((unit) => unit >= (wide ? 0xfffe : 254));
          expect([p.name, wide, p.end]).toEqual([p.name, wide, clamped ? CLAMPED : rest.length > fields ? MORE : ENDED]);
          for (const q of packed) {
            if (key.slice(0, skip) !== naturalKey(q.name).slice(0, skip)) continue;
            const byBits = p.hi - q.hi || p.lo - q.lo;
            const want = sign(compareCodeUnits(key, naturalKey(q.name)));
            if (byBits !== 0) expect([p.name, q.name, sign(byBits)]).toEqual([p.name, q.name, want]);
            else if (!clamped && p.end === ENDED && q.end === ENDED) expect([p.name, q.name, want]).toEqual([p.name, q.name, 0]);
          }
        }
      }
    }
  });

  it('[L1] sort many ids in the reference order: long shared prefixes, uneven digit runs, ties by path', () => {
    let seed = 5;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const paths: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const n = Math.floor(rnd() * 10 ** Math.floor(rnd() * 14));
      const pick = NAMES[i % NAMES.length]!;
      const kinds = [
        `/s${i % 13}/img_${String(n).padStart(7, '0')}.jpg`,
        `/s${i % 13}/IMG_20230415_${n}.JPG`,
        `/s${i % 5}/shared prefix that is long ${n % 50}`,
        `/s${i % 3}/${pick}${n % 7}`,
        `/s${i % 4}/Ωmega_${n}.jpg`,
        `/s${i % 7}/${pick}`,
      ];
      paths.push(kinds[i % kinds.length]!);
    }
    const reference = (a: number, b: number) => {
      const ka = naturalKey(paths[a]!.slice(paths[a]!.lastIndexOf('/') + 1));
      const kb = naturalKey(paths[b]!.slice(paths[b]!.lastIndexOf('/') + 1));
      return compareCodeUnits(ka, kb) || compareCodeUnits(paths[a]!, paths[b]!);
    };
    const ids = Int32Array.from(paths.keys());
    const want = Array.from(ids).sort(reference);
    drain(sortByNameSteps(ids, paths, paths.length));
    expect(Array.from(ids)).toEqual(want);
    expect(Array.from(ids).sort(compareByName(paths))).toEqual(want);
  });
});
