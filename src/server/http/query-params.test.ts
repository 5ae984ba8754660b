import { describe, expect, it } from 'vitest';
import { AppError } from '../app-error.js';
import { parseRange } from './file-routes.js';
import { pathParam } from './query-params.js';

describe('pathParam', () => {
  it('canonicalizes', () => {
    expect(pathParam({ path: 'a//b/./c/' })).toBe('/a/b/c');
    expect(pathParam({}, 'path', '/')).toBe('/');
    expect(pathParam({ path: '/100%.jpg' })).toBe('/100%.jpg'); // a literal % is a legal name
    expect(pathParam({ path: '/a%20b.jpg' })).toBe('/a%20b.jpg');
  });

  it.each(['../x', '/a/../../x', '%2e%2e/x', '%252e%252e%252fx', 'a\\..\\x', 'a\0b', 'C:/x', '%5c..%5cx'])('refuses %j', (raw) => {
    expect(() => pathParam({ path: raw })).toThrow(AppError);
  });

  it('requires a value unless there is a fallback, and a single one', () => {
    expect(() => pathParam({})).toThrow(/required/);
    expect(() => pathParam({ path: ['/a', '/b'] })).toThrow(/once/);
  });
});

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=5-', { start: 5, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=90-500', { start: 90, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=9-3', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
  ])('%s of 100 bytes', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
