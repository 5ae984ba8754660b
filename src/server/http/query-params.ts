import { canonicalPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';

export type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AppError('invalid_parameter', `"${name}" must be given once`);
  return value;
}

/**
 * The one way a request names an item or folder. The query string was percent-decoded once by
 * the router; a value that still decodes to a traversal (`%2e%2e`, double encoding) is
 * refused too, so no decoding layer further down can turn it into one.
 */
export function pathParam(query: Query, name = 'path', fallback?: string): string {
  const raw = single(query, name);
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new AppError('missing_parameter', `"${name}" is required`);
  }
  let probe = raw;
  for (let round = 0; round < 3 && probe.includes('%'); round++) {
    try {
      probe = decodeURIComponent(probe);
    } catch {
      break; // not valid percent-encoding (e.g. "100%.jpg"): nothing more to decode
    }
    if (!canonicalPath(probe).ok) throw new AppError('invalid_path', `invalid path: encoded traversal`);
  }
  const result = canonicalPath(raw);
  if (!result.ok) throw new AppError('invalid_path', `invalid path: ${result.reason}`);
  return result.path;
}

export function intParam(query: Query, name: string, options: { min: number; max: number; fallback: number }): number {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return options.fallback;
  if (!/^-?\d+$/.test(raw)) throw new AppError('invalid_parameter', `"${name}" must be an integer`);
  const value = Number(raw);
  if (value < options.min || value > options.max) {
    throw new AppError('invalid_parameter', `"${name}" must be between ${options.min} and ${options.max}`);
  }
  return value;
}

export function enumParam<T extends string>(query: Query, name: string, values: readonly T[], fallback: T): T {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new AppError('invalid_parameter', `"${name}" must be one of ${values.join(', ')}`);
  }
  return raw as T;
}

export function boolParam(query: Query, name: string, fallback: boolean): boolean {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new AppError('invalid_parameter', `"${name}" must be 0 or 1`);
}

export function stringParam(query: Query, name: string): string {
  const raw = single(query, name);
  if (raw === undefined) throw new AppError('missing_parameter', `"${name}" is required`);
  return raw;
}
