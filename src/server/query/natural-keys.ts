import { compareCodeUnits, naturalKey } from './collation.js';

/**
 * The natural key (L1, `naturalKey`) read straight from a name, without building the padded key
 * string: a million of those cost ~0.5 s and ~50 MB of short-lived strings per name-order build.
 * Names are read from `start` in a path (the base name), so no substring is made either. ASCII
 * names are lower-cased a unit at a time; any other name goes through `toLowerCase`, whose
 * context rules (final sigma, İ) a per-unit mapping would miss.
 */

/** Digit runs are padded to this many digits in the key (longer runs are kept whole). */
const PAD = 12;
const NON_ASCII = 2;

const isDigit = (c: number) => c >= 48 && c <= 57;
const lowerAscii = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/** `compareCodeUnits(naturalKey(a.slice(startA)), naturalKey(b.slice(startB)))`. */
export function compareNaturalNames(a: string, startA: number, b: string, startB: number): number {
  const ascii = walk(a, startA, b, startB, false);
  if (ascii !== NON_ASCII) return ascii;
  return walk(a.slice(startA).toLowerCase(), 0, b.slice(startB).toLowerCase(), 0, true);
}

function walk(a: string, i: number, b: string, j: number, lowered: boolean): number {
  const na = a.length;
  const nb = b.length;
  while (i < na && j < nb) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(j);
    if (!lowered && (ca >= 128 || cb >= 128)) return NON_ASCII;
    ca = lowerAscii(ca);
    cb = lowerAscii(cb);
    const da = isDigit(ca);
    const db = isDigit(cb);
    if (!da && !db) {
      if (ca !== cb) return ca < cb ? -1 : 1;
      i++;
      j++;
      continue;
    }
    // A digit run starts here (the keys agree so far, so a run on both sides starts at once).
    const ea = da ? runEnd(a, i) : i;
    const eb = db ? runEnd(b, j) : j;
    const sa = da ? strippedStart(a, i, ea) : i;
    const sb = db ? strippedStart(b, j, eb) : j;
    if (ea - sa > PAD || eb - sb > PAD) return compareCodeUnits(naturalKey(a.slice(i)), naturalKey(b.slice(j)));
    // A padded run's first key unit is '0' (runs of PAD digits start with their own).
    if (!db) return firstUnit(a, sa, ea) < cb ? -1 : 1;
    if (!da) return ca < firstUnit(b, sb, eb) ? -1 : 1;
    const la = ea - sa;
    const lb = eb - sb;
    if (la !== lb) return la < lb ? -1 : 1; // no leading zeros: fewer digits, smaller number
    for (let k = 0; k < la; k++) {
      const d = a.charCodeAt(sa + k) - b.charCodeAt(sb + k);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    i = ea;
    j = eb;
  }
  // Every unit left gives at least one key unit: the longer key comes last.
  return i < na ? 1 : j < nb ? -1 : 0;
}

function runEnd(s: string, from: number): number {
  let e = from + 1;
  while (e < s.length && isDigit(s.charCodeAt(e))) e++;
  return e;
}

/** The run without its leading zeros, keeping one digit: "000" → "0". */
function strippedStart(s: string, from: number, end: number): number {
  let at = from;
  while (at < end - 1 && s.charCodeAt(at) === 48) at++;
  return at;
}

function firstUnit(s: string, stripped: number, end: number): number {
  return end - stripped < PAD ? 48 : s.charCodeAt(stripped);
}

/**
 * Key units from unit `skip` of a name's natural key packed in `out[0]`, `out[1]` (64 bits), so
 * that the unsigned order of the pairs never contradicts the keys' order: eight units of a byte
 * each, or four of 16 bits when `wide`. A unit u is u + 1 (0 is the key's end); a unit too large
 * for its field (254 for a byte) is the field's top value with zeros after it, to be told apart
 * by `compareNaturalNames` (or by wide fields). Returns how the keys of equal bits compare beyond
 * them (see `PackedEnd`).
 */
export function packNaturalKey(s: string, start: number, skip: number, wide: boolean, out: Uint32Array): PackedEnd {
  const packed = pack(s, start, skip, false, wide ? 16 : 8, out);
  return packed === NON_ASCII ? pack(s.slice(start).toLowerCase(), 0, skip, true, wide ? 16 : 8, out) : packed;
}

/**
 * After eight equal bytes: `more` when both keys go on (compare the next eight), `ended` when
 * both ended there (the keys are equal), `clamped` when a unit of 254 or more was cut short.
 */
export type PackedEnd = number;
export const MORE = 0;
export const ENDED = 1;
export const CLAMPED = 3;

/** The bytes being packed (module scratch: no closure or array per name). */
let packedHi = 0;
let packedLo = 0;

/** Sets field `at` (of `bits` bits, from the top of hi) to `value`. */
function put(value: number, at: number, bits: number): void {
  const shift = 64 - bits * (at + 1);
  if (shift >= 32) packedHi |= value << (shift - 32);
  else packedLo |= value << shift;
}

function done(out: Uint32Array, end: PackedEnd): PackedEnd {
  out[0] = packedHi >>> 0;
  out[1] = packedLo >>> 0;
  return end;
}

function pack(s: string, i: number, skip: number, lowered: boolean, bits: number, out: Uint32Array): number {
  packedHi = 0;
  packedLo = 0;
  const fields = 64 / bits;
  const top = (1 << bits) - 1;
  let at = 0; // key units passed so far
  const n = s.length;
  while (i < n) {
    if (at >= skip + fields) return done(out, MORE);
    const c = s.charCodeAt(i);
    if (!lowered && c >= 128) return NON_ASCII;
    if (!isDigit(c)) {
      if (at >= skip) {
        const unit = lowerAscii(c);
        if (unit >= top - 1) {
          put(top, at - skip, bits);
          return done(out, CLAMPED);
        }
        put(unit + 1, at - skip, bits);
      }
      at++;
      i++;
      continue;
    }
    const e = runEnd(s, i);
    const st = strippedStart(s, i, e);
    const digits = e - st;
    const pad = digits < PAD ? PAD - digits : 0;
    const units = pad + digits;
    for (let k = at < skip ? skip - at : 0; k < units; k++) {
      const f = at + k - skip;
      if (f >= fields) return done(out, MORE);
      put((k < pad ? 48 : s.charCodeAt(st + k - pad)) + 1, f, bits);
    }
    at += units;
    i = e;
  }
  return done(out, ENDED);
}
