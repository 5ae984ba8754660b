import { existsSync } from 'node:fs';
import path from 'node:path';
import { canonicalPath } from '../../protocol/paths.js';
import { mimeForName } from '../media/formats.js';

/**
 * Where a row's bytes live, and the logical path it gets in the tree. Pure string work, run once
 * per row at load time, so it avoids `path.resolve` and URL parsing on the common shapes.
 */
export type SourceKind = 'local' | 'http' | 's3';

export function sourceKind(value: string): SourceKind {
  if (value.startsWith('https://') || value.startsWith('http://')) return 'http';
  if (value.startsWith('s3://')) return 's3';
  return 'local';
}

const SAMPLE = 50;
const MOSTLY = 0.7;
/** Longer local sources take the general way (a fast path for the usual short ones). */
const SIMPLE_MAX = 4000;

/**
 * The image column: the first string column where at least 70% of the first 50 non-null values are
 * loadable (an http(s) or s3 URL, or a local file that exists under the base dir). When no column
 * passes, the first one whose values mostly carry an image file extension (a table whose files are
 * not there yet still opens, and the missing files show as such).
 */
export function detectSourceColumn(samples: Map<string, (string | null)[]>, baseDir: string): string | undefined {
  const loadable = (v: string): boolean => {
    const kind = sourceKind(v);
    if (kind !== 'local') return true;
    const resolved = localSourcePath(v, baseDir);
    return resolved !== undefined && existsSync(resolved);
  };
  const looksLikeImage = (v: string): boolean => mimeForName(v.split(/[?#]/)[0]!) !== undefined;
  for (const test of [loadable, looksLikeImage]) {
    for (const [name, values] of samples) {
      const seen = values.filter((v): v is string => typeof v === 'string' && v !== '').slice(0, SAMPLE);
      if (seen.length === 0) continue;
      const hits = seen.filter(test).length;
      if (hits / seen.length >= MOSTLY) return name;
    }
  }
  return undefined;
}

/** The absolute file for a local source, or undefined when it would leave `baseDir`. */
export function localSourcePath(value: string, baseDir: string): string | undefined {
  const resolved = path.resolve(baseDir, value);
  const rel = path.relative(baseDir, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return resolved;
}

/**
 * The logical path a source gets when no path column names one: local files relative to the base
 * dir, URLs as `/host/path`, S3 objects as `/bucket/key`. Undefined when no valid path results
 * (for instance a local path outside the base dir).
 */
export function derivePath(value: string, baseDir: string): string | undefined {
  return pathOfSlashed(`/${value}`, baseDir);
}

/**
 * `derivePath` of `slashed.slice(1)`, given the source with a `/` before it: a usual relative
 * source ('a/b.jpg') is its own logical path, so `slashed` itself is the answer (one string per
 * row, no concatenation). Other sources take the general way.
 */
export function pathOfSlashed(slashed: string, baseDir: string): string | undefined {
  if (slashed.length < SIMPLE_MAX && isCanonicalAsIs(slashed)) return slashed;
  const value = slashed.slice(1);
  const kind = sourceKind(value);
  if (kind === 'local') {
    if (!value.startsWith('/') && !value.includes('\\')) return canonical(value);
    const resolved = localSourcePath(value, baseDir);
    return resolved === undefined ? undefined : canonical(path.relative(baseDir, resolved).split(path.sep).join('/'));
  }
  if (kind === 's3') return canonical(value.slice('s3://'.length));
  try {
    const url = new URL(value);
    let pathname = url.pathname;
    try {
      pathname = decodeURIComponent(pathname);
    } catch {
      // keep the encoded form
    }
    return canonical(`${url.host}/${pathname}`);
  } catch {
    return undefined;
  }
}

/**
 * Whether `/` + a relative local source (`slashed`) is already what `canonicalPath` returns, so
 * the source needs no resolving: no control character, backslash, empty or dot segment ('//',
 * './', a trailing '/', '/.' or '/..' at the end) or drive letter; a URL or s3 source has '//'.
 * Conservative: a segment merely ending in a dot ('a./b') takes the general way too. A loop, not a RegExp: run on
 * every row of a table, the RegExp cost a tenth of the load.
 */
function isCanonicalAsIs(slashed: string): boolean {
  const n = slashed.length;
  if (n < 2) return false;
  let previous = SLASH;
  for (let i = 1; i < n; i++) {
    const c = slashed.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === BACKSLASH) return false;
    if (c === SLASH && (previous === SLASH || previous === DOT)) return false;
    if (c === COLON && i === 2) return false;
    previous = c;
  }
  if (previous === SLASH) return false;
  if (previous === DOT) {
    const dots = slashed.charCodeAt(n - 2) === DOT ? 2 : 1;
    if (slashed.charCodeAt(n - 1 - dots) === SLASH) return false;
  }
  return true;
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const COLON = 0x3a;

function canonical(raw: string): string | undefined {
  const result = canonicalPath(raw);
  return result.ok && result.path !== '/' ? result.path : undefined;
}

/** `a.jpg` → `a-2.jpg`, `a` → `a-2`: the suffix goes before the extension. */
export function suffixed(logical: string, n: number): string {
  const slash = logical.lastIndexOf('/');
  const dot = logical.lastIndexOf('.');
  if (dot > slash + 1) return `${logical.slice(0, dot)}-${n}${logical.slice(dot)}`;
  return `${logical}-${n}`;
}
