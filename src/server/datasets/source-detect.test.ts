import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { derivePath, detectSourceColumn, localSourcePath, sourceKind, suffixed } from './source-detect.js';

let base: string;
beforeAll(() => {
  base = makeTempDir();
  for (const name of ['a.jpg', 'b.png']) writeFileSync(join(base, name), 'x');
});
afterAll(() => removeDir(base));

describe('source detection', () => {
  it('tells local paths, http(s) URLs and s3 objects apart', () => {
    expect(sourceKind('https://cdn.example.com/a.jpg')).toBe('http');
    expect(sourceKind('http://h/a.jpg')).toBe('http');
    expect(sourceKind('s3://bkt/k.jpg')).toBe('s3');
    expect(sourceKind('imgs/a.jpg')).toBe('local');
    expect(sourceKind('ftp://h/a.jpg')).toBe('local'); // not fetchable: treated as a (missing) file
  });

  it('keeps local sources inside the base dir', () => {
    expect(localSourcePath('a.jpg', base)).toBe(join(base, 'a.jpg'));
    expect(localSourcePath('../a.jpg', base)).toBeUndefined();
    expect(localSourcePath('/etc/passwd', base)).toBeUndefined();
    expect(localSourcePath('.', base)).toBeUndefined();
  });

  it('derives canonical logical paths: relative files, /host/path for URLs, /bucket/key for S3', () => {
    expect(derivePath('imgs/a.jpg', base)).toBe('/imgs/a.jpg');
    expect(derivePath('imgs//x/./a.jpg', base)).toBe('/imgs/x/a.jpg');
    expect(derivePath(join(base, 'sub', 'a.jpg'), base)).toBe('/sub/a.jpg');
    expect(derivePath('../escape.jpg', base)).toBeUndefined();
    expect(derivePath('https://cdn.example.com/a%20b/c.jpg?x=1', base)).toBe('/cdn.example.com/a b/c.jpg');
    expect(derivePath('s3://bkt/k/c.jpg', base)).toBe('/bkt/k/c.jpg');
  });

  it('picks the first column whose values mostly load, else the first that mostly looks like images', () => {
    const loadable = new Map<string, (string | null)[]>([
      ['caption', ['a cat', 'a dog', null]],
      ['image', ['a.jpg', 'b.png', null, 'missing.jpg']], // 2 of 3 exist: below 70%
      ['url', ['https://h/1.jpg', 's3://b/2.jpg', 'a.jpg']],
    ]);
    expect(detectSourceColumn(loadable, base)).toBe('url');
    const notYetThere = new Map<string, (string | null)[]>([
      ['caption', ['a cat']],
      ['file', ['x/1.jpg', 'x/2.webp', 'x/3.png']],
    ]);
    expect(detectSourceColumn(notYetThere, base)).toBe('file');
    expect(detectSourceColumn(new Map([['caption', ['a cat', 'a dog']]]), base)).toBeUndefined();
  });

  it('suffixes repeated paths before the extension', () => {
    expect(suffixed('/imgs/red.jpg', 2)).toBe('/imgs/red-2.jpg');
    expect(suffixed('/imgs/noext', 3)).toBe('/imgs/noext-3');
    expect(suffixed('/dir.v2/file', 2)).toBe('/dir.v2/file-2');
  });
});
