import { describe, expect, it } from 'vitest';
import { hammingDistance, PHASH_SIDE, phashHex, phashOfGrey } from './phash.js';

/** A fixed pseudo-random picture in 40…200 (no two low frequencies tie, as they would on a plain gradient). */
function gradient(offset = 0): Uint8Array {
  const px = new Uint8Array(PHASH_SIDE * PHASH_SIDE);
  let seed = 7;
  for (let i = 0; i < px.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    px[i] = 40 + (seed % 160) + offset;
  }
  return px;
}

describe('pHash', () => {
  it('[DU3] a uniformly brighter image keeps its hash (only the mean changes, and the mean is never a bit)', () => {
    expect(phashOfGrey(gradient(30))).toBe(phashOfGrey(gradient()));
  });

  it('[DU3] sets half of the 64 bits: each is a low frequency above or below their median', () => {
    const hash = phashOfGrey(gradient());
    expect(hammingDistance(hash, 0n)).toBe(32);
    expect(phashHex(hash)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('[DU3] a mirrored image is far from the original', () => {
    const px = gradient();
    const mirrored = new Uint8Array(px.length);
    for (let y = 0; y < PHASH_SIDE; y++) for (let x = 0; x < PHASH_SIDE; x++) mirrored[y * PHASH_SIDE + x] = px[y * PHASH_SIDE + (PHASH_SIDE - 1 - x)]!;
    expect(hammingDistance(phashOfGrey(px), phashOfGrey(mirrored))).toBeGreaterThan(12);
  });

  it('refuses pixels of another size', () => {
    expect(() => phashOfGrey(new Uint8Array(10))).toThrow(/32×32/);
  });

  it('counts differing bits over all 64', () => {
    expect(hammingDistance(0n, (1n << 64n) - 1n)).toBe(64);
    expect(hammingDistance(0b1011n, 0b0010n)).toBe(2);
  });
});
