import { type ByteReader, readVarint } from './parquet-thrift.js';

/**
 * Parquet's RLE / bit-packed hybrid encoding, used for definition levels and dictionary indices:
 * runs of one repeated value, or groups of 8 values packed `bitWidth` bits each, LSB first.
 * Decodes `count` values from `reader` (up to `end`) into `out`.
 */
export function readHybrid(reader: ByteReader, end: number, bitWidth: number, count: number, out: Uint32Array): void {
  const bytes = reader.bytes;
  const valueBytes = (bitWidth + 7) >> 3;
  let n = 0;
  while (n < count && reader.offset < end) {
    const header = readVarint(reader);
    if (header & 1) {
      // Bit-packed: (header >> 1) groups of 8 values.
      const values = Math.min((header >>> 1) * 8, count - n);
      const mask = bitWidth === 32 ? 0xffffffff : (1 << bitWidth) - 1;
      let bit = reader.offset * 8;
      if (8 % bitWidth === 0) {
        // Widths 1, 2, 4, 8 (levels, small dictionaries): whole values within each byte.
        const perByte = 8 / bitWidth;
        let at = reader.offset;
        for (let i = 0; i < values; at++) {
          const b = bytes[at]!;
          for (let k = 0; k < perByte && i < values; k++, i++) out[n++] = (b >>> (k * bitWidth)) & mask;
        }
      } else if (bitWidth <= 24) {
        // A value starts in some byte at a shift of at most 7 and spans at most 4 bytes: one
        // little-endian word read per value, not a loop per bit run (past the end, bytes read as 0).
        const last = bytes.length - 1;
        for (let i = 0; i < values; i++) {
          const at = bit >> 3;
          const b = (k: number) => (at + k <= last ? bytes[at + k]! : 0);
          const word = (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> (bit & 7);
          out[n++] = (word & mask) >>> 0;
          bit += bitWidth;
        }
      } else {
        for (let i = 0; i < values; i++) {
          let value = 0;
          for (let got = 0; got < bitWidth; ) {
            const at = bit >> 3;
            const shift = bit & 7;
            const take = Math.min(8 - shift, bitWidth - got);
            value |= ((bytes[at]! >> shift) & ((1 << take) - 1)) << got;
            got += take;
            bit += take;
          }
          out[n++] = (value & mask) >>> 0;
        }
      }
      reader.offset += ((header >>> 1) * bitWidth);
    } else {
      // A run: (header >> 1) copies of one little-endian value.
      const run = Math.min(header >>> 1, count - n);
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value |= bytes[reader.offset + i]! << (8 * i);
      reader.offset += valueBytes;
      out.fill(value >>> 0, n, n + run);
      n += run;
    }
  }
  if (n < count) throw new Error(`hybrid-encoded run ended after ${n} of ${count} values`);
}
