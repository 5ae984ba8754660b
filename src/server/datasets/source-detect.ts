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
/** Anything canonicalPath might change or refuse; other relative paths are already canonical. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this looks for
const NOT_SIMPLE = /[\x00-\x1f\x7f\\]|\/\/|\.\/|^\/|\/$|(^|\/)\.\.?$|^[a-zA-Z]:|^$/;
const MOSTLY = 0.7;

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
  const kind = sourceKind(value);
  if (kind === 'local') {
    // Fast path for the usual relative 'a/b.jpg': canonicalPath already refuses '..' segments.
    if (value.length < 4000 && !NOT_SIMPLE.test(value)) return `/${value}`;
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
