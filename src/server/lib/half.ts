/**
 * IEEE 754 half precision (binary16) for the vectors an embedding set holds in memory (EM1): a
 * million 512-d vectors are 1 GB as halves instead of 2 GB as float32, and the first touch of each
 * page of them was most of the time a table's vectors took to load (docs/PERFORMANCE.md).
 *
 * Written here, not taken from a package: Node 20 has no Float16Array, and the polyfills convert
 * one value at a time behind a Proxy; these loops convert rows in bulk over typed arrays, which is
 * what half a billion values at load time needs.
 */

/** Every half's float32 value, by its 16 bits: decoding is one load from a 256 KB table. */
export const HALF_TO_FLOAT: Float32Array = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) table[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) table[h] = mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
    else table[h] = sign * (1024 + mantissa) * 2 ** (exponent - 25);
  }
  return table;
})();

const scratch32 = new Float32Array(1);
const scratchBits = new Uint32Array(scratch32.buffer);

/** The half nearest to the float32 of `bits` (ties to even): subnormals, ±0, ±∞ and NaN kept. */
function halfOfBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const magnitude = bits & 0x7fffffff;
  if (magnitude >= 0x38800000) {
    // Normal in half, or too large for it.
    if (magnitude >= 0x7f800000) return sign | (magnitude > 0x7f800000 ? 0x7e00 : 0x7c00);
    if (magnitude >= 0x477ff000) return sign | 0x7c00; // rounds past 65504: infinity
    // Rebias the exponent (127 → 15) and round the 13 dropped mantissa bits to nearest, ties to
    // even: adding 0xfff plus the lowest kept bit carries exactly when the rest is above half, or
    // is half and the kept bit is odd. A carry out of the mantissa bumps the exponent, as it should.
    return sign | ((magnitude - 0x38000000 + 0xfff + ((magnitude >>> 13) & 1)) >>> 13);
  }
  // Subnormal in half (or zero): the value in units of 2^-24, rounded to nearest, ties to even.
  const exponent = magnitude >>> 23; // biased float32 exponent, < 113
  if (exponent < 102) return sign; // below 2^-25: rounds to ±0
  const mantissa = (magnitude & 0x7fffff) | 0x800000;
  const shift = 126 - exponent; // 14…24
  let half = mantissa >>> shift;
  const rest = mantissa & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
  return sign | half;
}

/** The half nearest to `value` (taken as a float32 first: what the vectors are), as its 16 bits. */
export function toHalf(value: number): number {
  scratch32[0] = value;
  return halfOfBits(scratchBits[0]!);
}

/**
 * Rounds `count` float32 values of `from` (starting at `fromAt`) to halves in `out` at `outAt`.
 * `from` is read through its bits, so it must start at a multiple of 4 bytes (any Float32Array does).
 */
export function encodeHalves(from: Float32Array, fromAt: number, out: Uint16Array, outAt: number, count: number): void {
  const bits = new Uint32Array(from.buffer, from.byteOffset + fromAt * 4, count);
  for (let i = 0; i < count; i++) {
    const b = bits[i]!;
    const magnitude = b & 0x7fffffff;
    // The common case (a normal half) inline; the rest through the full rounding.
    out[outAt + i] =
      magnitude >= 0x38800000 && magnitude < 0x477ff000
        ? ((b >>> 16) & 0x8000) | ((magnitude - 0x38000000 + 0xfff + ((magnitude >>> 13) & 1)) >>> 13)
        : halfOfBits(b);
  }
}

/** Decodes `count` halves of `from` at `fromAt` into `out` at `outAt`. */
export function decodeHalves(from: Uint16Array, fromAt: number, out: Float32Array, outAt: number, count: number): void {
  const table = HALF_TO_FLOAT;
  for (let i = 0; i < count; i++) out[outAt + i] = table[from[fromAt + i]!]!;
}
