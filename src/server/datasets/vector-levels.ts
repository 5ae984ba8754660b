import { type ByteReader, readVarint } from './parquet-thrift.js';

/**
 * Reads a page's levels as the runs they are written in, to recognise the usual page of an
 * embedding column (issue 13): whole rows of exactly `dim` non-null floats. Then its values are
 * copied as one block, instead of expanding millions of levels (8.4M per DuckDB page of 16k × 512)
 * and checking them one by one. Runs of one value are checked at once and bit-packed groups a byte
 * (of 8 repetition levels) or a group (of 8 definition levels) at a time.
 */

/**
 * Whether the repetition levels (bit width 1, RLE / bit-packed hybrid in `bytes[from, to)`) are 0
 * exactly at the multiples of `dim` among the first `count`: rows of `dim` values, the first
 * starting the page. `dim` is at least 8, so a byte of packed levels holds at most one row start.
 */
export function repetitionIsWholeRows(bytes: Uint8Array, from: number, to: number, count: number, dim: number): boolean {
  if (dim < 8 || count % dim !== 0) return false;
  const reader: ByteReader = { bytes, offset: from };
  let p = 0;
  while (p < count) {
    if (reader.offset >= to) return false;
    const header = readVarint(reader);
    if (header & 1) {
      const groups = header >>> 1;
      if (reader.offset + groups > to) return false;
      for (let g = 0; g < groups && p < count; g++, p += 8) {
        // The levels at p…p+7: 1, except 0 where a row starts (at most once: dim ≥ 8).
        const start = (dim - (p % dim)) % dim;
        let expected = start < 8 ? 0xff & ~(1 << start) : 0xff;
        const live = count - p < 8 ? (1 << (count - p)) - 1 : 0xff;
        expected &= live;
        if ((bytes[reader.offset + g]! & live) !== expected) return false;
      }
      reader.offset += groups;
    } else {
      const run = Math.min(header >>> 1, count - p);
      if (reader.offset >= to) return false;
      const value = bytes[reader.offset++]!;
      const inRow = p % dim;
      // A run of 1s stays inside one row past its start; a run of 0s (empty or 1-value rows) never fits.
      if (run === 0 || value !== 1 || inRow === 0 || inRow + run > dim) return false;
      p += run;
    }
  }
  return true;
}

/** Whether the first `count` definition levels (width `width`, in `bytes[from, to)`) are all `max`. */
export function definitionIsAll(bytes: Uint8Array, from: number, to: number, width: number, count: number, max: number): boolean {
  const reader: ByteReader = { bytes, offset: from };
  const valueBytes = (width + 7) >> 3;
  // Eight copies of `max` packed `width` bits each: one group as the page holds it.
  const group = new Uint8Array(width);
  for (let i = 0, bit = 0; i < 8; i++) for (let b = 0; b < width; b++, bit++) if ((max >>> b) & 1) group[bit >> 3]! |= 1 << (bit & 7);
  let p = 0;
  while (p < count) {
    if (reader.offset >= to) return false;
    const header = readVarint(reader);
    if (header & 1) {
      const groups = header >>> 1;
      if (reader.offset + groups * width > to) return false;
      for (let g = 0; g < groups && p < count; g++, p += 8) {
        const at = reader.offset + g * width;
        if (count - p >= 8) {
          for (let b = 0; b < width; b++) if (bytes[at + b] !== group[b]) return false;
        } else {
          // The last, partial group: its padding may hold anything.
          for (let i = 0; i < count - p; i++) {
            let value = 0;
            for (let b = 0; b < width; b++) {
              const bit = i * width + b;
              value |= ((bytes[at + (bit >> 3)]! >>> (bit & 7)) & 1) << b;
            }
            if (value !== max) return false;
          }
        }
      }
      reader.offset += groups * width;
    } else {
      const run = Math.min(header >>> 1, count - p);
      if (run === 0 || reader.offset + valueBytes > to) return false;
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value |= bytes[reader.offset + i]! << (8 * i);
      reader.offset += valueBytes;
      if (value !== max) return false;
      p += run;
    }
  }
  return true;
}
