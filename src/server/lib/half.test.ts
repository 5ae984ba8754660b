import { describe, expect, it } from 'vitest';
import { decodeHalves, encodeHalves, HALF_TO_FLOAT, toHalf } from './half.js';

const f32 = (x: number) => Math.fround(x);

describe('half precision', () => {
  it('[EM1] every half decodes and rounds back to itself (any NaN to the quiet NaN)', () => {
    const all = new Uint16Array(65536).map((_, h) => h);
    const floats = new Float32Array(65536);
    decodeHalves(all, 0, floats, 0, 65536);
    const back = new Uint16Array(65536);
    encodeHalves(floats, 0, back, 0, 65536);
    const wrong: string[] = [];
    for (let h = 0; h < 65536; h++) {
      const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (back[h] !== (nan ? 0x7e00 : h)) wrong.push(`${h.toString(16)} → ${back[h]!.toString(16)}`);
    }
    expect(wrong).toEqual([]);
    expect(HALF_TO_FLOAT[0x3c00]).toBe(1);
    expect(HALF_TO_FLOAT[0x0001]).toBe(2 ** -24);
    expect(HALF_TO_FLOAT[0x7bff]).toBe(65504);
    expect(Object.is(HALF_TO_FLOAT[0x8000], -0)).toBe(true);
  });

  it('[EM1] rounds to the nearest half, ties to even, subnormals and ±0 included', () => {
    // Ties: halfway between 1 and the next half (1 + 2^-10) goes to 1 (even); between 1 + 2^-10 and 1 + 2^-9 up.
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalf(f32(1 + 2 ** -11 + 2 ** -20))).toBe(0x3c01);
    // Subnormals: 2^-25 is halfway between 0 and the least subnormal: to 0; a hair above: up.
    expect(toHalf(2 ** -25)).toBe(0);
    expect(toHalf(f32(2 ** -25 * (1 + 2 ** -20)))).toBe(1);
    expect(toHalf(3 * 2 ** -25)).toBe(2);
    expect(toHalf(-(2 ** -14))).toBe(0x8400);
    // Largest subnormal rounding up into the least normal.
    expect(toHalf(f32(2 ** -14 - 2 ** -26))).toBe(0x0400);
    expect(toHalf(-0)).toBe(0x8000);
    expect(toHalf(1e-10)).toBe(0);
    expect(toHalf(65519)).toBe(0x7bff);
    expect(toHalf(65520)).toBe(0x7c00);
    expect(toHalf(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    // Random float32 values of every magnitude a unit vector holds: the nearest half, ties even.
    let s = 7;
    for (let i = 0; i < 20000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const x = f32((s / 2 ** 32 - 0.5) * 2 ** -((s >>> 3) % 28));
      const h = toHalf(x);
      const error = Math.abs(HALF_TO_FLOAT[h]! - x);
      for (const other of [h - 1, h + 1]) {
        if ((other & 0x7fff) > 0x7c00 || other < 0 || other > 0xffff || (other & 0x7fff) === 0x7fff) continue;
        if (Math.sign(HALF_TO_FLOAT[other]!) !== Math.sign(HALF_TO_FLOAT[h]!) && HALF_TO_FLOAT[h] !== 0) continue;
        const otherError = Math.abs(HALF_TO_FLOAT[other]! - x);
        expect(error <= otherError && (error < otherError || (h & 1) === 0), `${x} → ${h.toString(16)}`).toBe(true);
      }
    }
  });
});
