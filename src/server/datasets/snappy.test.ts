import { snappyUncompress } from 'hyparquet';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { describe, expect, it } from 'vitest';
import { snappyDecompress } from './snappy.js';

function sample(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // Random bytes with stretches of repeats: literals, long copies and overlapping short ones.
    out[i] = i % 1000 < 300 ? s >>> 24 : i % 1000 < 600 ? i % 3 : 7;
  }
  return out;
}

describe('snappy', () => {
  it('[EM11] decompresses what a snappy encoder wrote, byte for byte as hyparquet does (literals, copies, overlapping copies)', () => {
    for (const length of [0, 1, 59, 61, 70_000, 300_001]) {
      const input = sample(length, length + 1);
      const compressed = snappyCompress(input);
      const ours = new Uint8Array(length);
      snappyDecompress(compressed, ours);
      const theirs = new Uint8Array(length);
      snappyUncompress(compressed, theirs);
      expect(Buffer.from(ours).equals(Buffer.from(input)), `length ${length}`).toBe(true);
      expect(Buffer.from(theirs).equals(Buffer.from(input))).toBe(true);
    }
    // Float vectors: hardly compressible, almost all literals.
    const floats = new Float32Array(64 * 512).map((_, i) => Math.sin(i) * 0.3);
    const bytes = new Uint8Array(floats.buffer);
    const out = new Uint8Array(bytes.length);
    snappyDecompress(snappyCompress(bytes), out);
    expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
  });

  it('[EM11] throws on a truncated or corrupt stream instead of writing past the output', () => {
    const input = sample(5000, 3);
    const compressed = snappyCompress(input);
    expect(() => snappyDecompress(compressed.subarray(0, compressed.length - 10), new Uint8Array(5000))).toThrow(/snappy/);
    expect(() => snappyDecompress(compressed, new Uint8Array(4999))).toThrow(/snappy/);
    // A copy reaching before the start of the output.
    expect(() => snappyDecompress(new Uint8Array([8, 0b0000_0001 | (4 << 2), 9]), new Uint8Array(8))).toThrow(/snappy/);
  });
});
