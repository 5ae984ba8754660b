import { describe, expect, it } from 'vitest';
import { readHybrid } from './parquet-levels.js';

/** Bit-packs `values` as Parquet does (groups of 8, LSB first) behind a varint header. */
function bitPacked(values: number[], bitWidth: number): Uint8Array {
  const groups = Math.ceil(values.length / 8);
  const header = (groups << 1) | 1;
  const bytes: number[] = [];
  for (let h = header; ; h >>>= 7) {
    if (h < 0x80) {
      bytes.push(h);
      break;
    }
    bytes.push((h & 0x7f) | 0x80);
  }
  const packed = new Uint8Array(groups * bitWidth);
  let bit = 0;
  for (let i = 0; i < groups * 8; i++) {
    const v = values[i] ?? 0;
    for (let b = 0; b < bitWidth; b++, bit++) if (Math.floor(v / 2 ** b) % 2) packed[bit >> 3]! |= 1 << (bit & 7);
  }
  return new Uint8Array([...bytes, ...packed]);
}

describe('RLE / bit-packed hybrid', () => {
  it('decodes bit-packed values of every width from 1 to 32, whatever their alignment', () => {
    let seed = 99;
    const rand = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    for (let width = 1; width <= 32; width++) {
      const count = 37;
      const values = Array.from({ length: count }, () => (width === 32 ? rand() : rand() % 2 ** width));
      const bytes = bitPacked(values, width);
      const out = new Uint32Array(count);
      readHybrid({ bytes, offset: 0 }, bytes.length, width, count, out);
      expect({ width, values: Array.from(out) }).toEqual({ width, values });
    }
  });
});
