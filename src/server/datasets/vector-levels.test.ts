import { describe, expect, it } from 'vitest';
import { definitionIsAll, repetitionIsWholeRows } from './vector-levels.js';

/** The RLE / bit-packed hybrid as writers make it: runs of 8+ repeats as RLE, the rest bit-packed (`packAll`: everything). */
function hybrid(values: number[], width: number, packAll = false): Uint8Array {
  const out: number[] = [];
  const varint = (n: number) => {
    for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
    out.push(n);
  };
  const pack = (group: number[]) => {
    varint(((group.length / 8) << 1) | 1);
    const bytes = new Array<number>((group.length / 8) * width).fill(0);
    group.forEach((v, i) => {
      for (let b = 0; b < width; b++) if ((v >>> b) & 1) bytes[(i * width + b) >> 3]! |= 1 << ((i * width + b) & 7);
    });
    out.push(...bytes);
  };
  let i = 0;
  let pending: number[] = [];
  while (i < values.length) {
    let run = 1;
    while (!packAll && i + run < values.length && values[i + run] === values[i]) run++;
    if (run >= 8 && pending.length === 0) {
      varint(run << 1);
      for (let b = 0; b < (width + 7) >> 3; b++) out.push((values[i]! >>> (8 * b)) & 0xff);
      i += run;
      continue;
    }
    // A bit-packed group of 8 (padded with garbage past the end).
    const group = values.slice(i, i + 8);
    while (group.length < 8) group.push((1 << width) - 1);
    pending.push(...group);
    i += 8;
    if (run >= 8 || i >= values.length || packAll) {
      pack(pending);
      pending = [];
    }
  }
  if (pending.length) pack(pending);
  return new Uint8Array(out);
}

const rowsOf = (lengths: number[]) => lengths.flatMap((n) => Array.from({ length: n }, (_, k) => (k === 0 ? 0 : 1)));

describe('vector page levels read as runs', () => {
  it('[EM11] recognise whole rows of dim values, written as runs or bit-packed, and nothing else', () => {
    for (const packAll of [false, true]) {
      for (const dim of [8, 24, 512]) {
        const whole = rowsOf([dim, dim, dim]);
        const ok = hybrid(whole, 1, packAll);
        expect(repetitionIsWholeRows(ok, 0, ok.length, whole.length, dim), `dim ${dim}`).toBe(true);
        for (const lengths of [
          [dim, dim - 1, dim + 1],
          [dim + 1, dim - 1, dim],
          [dim, 1, dim - 1, dim],
        ]) {
          const levels = rowsOf(lengths);
          const bytes = hybrid(levels, 1, packAll);
          expect(repetitionIsWholeRows(bytes, 0, bytes.length, levels.length, dim), `${lengths}`).toBe(false);
        }
        // Levels that stop short of the count.
        expect(repetitionIsWholeRows(ok, 0, ok.length, whole.length + dim, dim)).toBe(false);
      }
    }
    // Fewer than 8 values a row: left to the value-by-value decoder.
    const small = hybrid(rowsOf([4, 4]), 1);
    expect(repetitionIsWholeRows(small, 0, small.length, 8, 4)).toBe(false);
  });

  it('[EM11] find a null element or list among definition levels of any width, ignoring the padding of the last group', () => {
    for (const [width, max] of [
      [1, 1],
      [2, 3],
      [2, 2],
      [3, 5],
    ] as const) {
      for (const packAll of [false, true]) {
        const all = Array.from({ length: 37 }, () => max);
        const ok = hybrid(all, width, packAll);
        expect(definitionIsAll(ok, 0, ok.length, width, all.length, max), `width ${width} max ${max}`).toBe(true);
        for (const at of [0, 17, 36]) {
          const withNull = all.map((v, i) => (i === at ? max - 1 : v));
          const bytes = hybrid(withNull, width, packAll);
          expect(definitionIsAll(bytes, 0, bytes.length, width, withNull.length, max), `null at ${at}`).toBe(false);
        }
      }
    }
  });
});
