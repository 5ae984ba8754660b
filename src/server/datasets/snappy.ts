/**
 * Snappy decompression for the pages of embedding columns (issue 13). Float vectors barely
 * compress, so their pages are almost all literals: copied here with `Uint8Array.set` (a memcpy),
 * where hyparquet's decoder copies byte by byte and hysnappy's WebAssembly copies the page in
 * and out of its own memory (measured on a 32 MB page of 512-d floats: 259 ms hysnappy, 109 ms
 * hyparquet, see docs/PERFORMANCE.md). Back references that do not overlap their target are
 * `copyWithin`, the others a byte loop (their bytes repeat a pattern shorter than the copy).
 */
export function snappyDecompress(input: Uint8Array, output: Uint8Array): void {
  let pos = 0;
  // The preamble: the uncompressed length as a varint.
  let expected = 0;
  for (let scale = 1; ; scale *= 128) {
    if (pos >= input.length) throw new Error('snappy: truncated length');
    const byte = input[pos++]!;
    expected += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
  }
  if (expected > output.length) throw new Error(`snappy: ${expected} bytes do not fit in ${output.length}`);
  let out = 0;
  while (pos < input.length) {
    const tag = input[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let length = (tag >>> 2) + 1;
      if (length > 60) {
        const lengthBytes = length - 60;
        if (pos + lengthBytes > input.length) throw new Error('snappy: truncated literal length');
        length = 0;
        for (let i = 0; i < lengthBytes; i++) length += input[pos + i]! * 2 ** (8 * i);
        length += 1;
        pos += lengthBytes;
      }
      if (pos + length > input.length || out + length > expected) throw new Error('snappy: literal past the end');
      output.set(input.subarray(pos, pos + length), out);
      pos += length;
      out += length;
      continue;
    }
    let length: number;
    let offset: number;
    if (kind === 1) {
      length = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++]!;
    } else if (kind === 2) {
      length = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      length = (tag >>> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (pos > input.length) throw new Error('snappy: truncated copy');
    if (offset === 0 || offset > out || out + length > expected) throw new Error('snappy: copy out of bounds');
    if (offset >= length) output.copyWithin(out, out - offset, out - offset + length);
    else for (let i = 0; i < length; i++) output[out + i] = output[out - offset + i]!;
    out += length;
  }
  if (out !== expected) throw new Error(`snappy: ${out} of ${expected} bytes`);
}
