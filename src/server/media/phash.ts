import type { Sharp } from 'sharp';

/** Side of the grey square the DCT runs on: 4× the 8×8 of coefficients kept, as in pHash.org. */
export const PHASH_SIDE = 32;
/** Coefficients kept per axis (8 × 8 = 64 bits). */
const KEPT = 8;

/**
 * cos((2x + 1) u π / 2N) for u = 0…7 (row u) and x = 0…31: the DCT-II basis of the frequencies kept.
 * Frequencies 0…7 rather than pHash.org's 1…8: on the fixture photos a 2% crop moved 12 bits instead
 * of 16 and different photos stayed ≥ 22 apart instead of ≥ 20 (duplicates.test.ts, DU3). The mean
 * (0, 0) is always above the median, so brightness never shows in the hash.
 */
const BASIS = (() => {
  const table = new Float64Array(KEPT * PHASH_SIDE);
  for (let u = 0; u < KEPT; u++) {
    for (let x = 0; x < PHASH_SIDE; x++) table[u * PHASH_SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIDE));
  }
  return table;
})();

/**
 * The 64-bit DCT perceptual hash of a 32×32 grey image (row-major, one byte a pixel): bit i is set
 * when low-frequency coefficient i lies above the median of the 64. The DCT is separable: rows
 * first (32 × 8 sums of 32), then columns, about 10k multiply-adds.
 */
export function phashOfGrey(pixels: Uint8Array): bigint {
  if (pixels.length !== PHASH_SIDE * PHASH_SIDE) throw new Error(`pHash needs ${PHASH_SIDE}×${PHASH_SIDE} grey pixels, got ${pixels.length} bytes`);
  const rows = new Float64Array(PHASH_SIDE * KEPT);
  for (let y = 0; y < PHASH_SIDE; y++) {
    for (let v = 0; v < KEPT; v++) {
      let sum = 0;
      for (let x = 0; x < PHASH_SIDE; x++) sum += pixels[y * PHASH_SIDE + x]! * BASIS[v * PHASH_SIDE + x]!;
      rows[y * KEPT + v] = sum;
    }
  }
  const coefficients = new Float64Array(KEPT * KEPT);
  for (let u = 0; u < KEPT; u++) {
    for (let v = 0; v < KEPT; v++) {
      let sum = 0;
      for (let y = 0; y < PHASH_SIDE; y++) sum += rows[y * KEPT + v]! * BASIS[u * PHASH_SIDE + y]!;
      coefficients[u * KEPT + v] = sum;
    }
  }
  const sorted = Float64Array.from(coefficients).sort();
  const median = (sorted[31]! + sorted[32]!) / 2;
  let hash = 0n;
  for (let i = 0; i < 64; i++) if (coefficients[i]! > median) hash |= 1n << BigInt(i);
  return hash;
}

/**
 * The pHash of an image sharp is about to decode (or has decoded, as raw pixels): EXIF-rotated,
 * flattened onto white (a transparent area hashes as a white one whatever its hidden colour),
 * grey, squashed to 32×32 whatever its aspect.
 */
export async function phashOf(image: Sharp): Promise<bigint> {
  const grey = await image
    .flatten({ background: '#ffffff' })
    .resize(PHASH_SIDE, PHASH_SIDE, { fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return phashOfGrey(grey);
}

/** Bits that differ between two hashes (0…64). */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** The hash as 16 hex digits (how it is shown and logged). */
export function phashHex(hash: bigint): string {
  return hash.toString(16).padStart(16, '0');
}
