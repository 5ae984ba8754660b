import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { xxhash128 } from 'hash-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import type { DatasetSource, ItemBytes } from '../datasets/dataset-source.js';
import { NO_LABELS, type LabelLookup } from '../labels/label-lookup.js';
import { FingerprintCache } from './fingerprint-cache.js';
import { FingerprintStrategy, pair } from './fingerprint-strategy.js';
import { Fingerprinter } from './fingerprinter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-fp-'));
  dirs.push(dir);
  return dir;
}

/** A folder on disk behind the part of DatasetSource the strategy uses. */
function folder(files: Record<string, string | Buffer>) {
  const root = tempDir();
  const catalog = new Catalog();
  const write = (path: string, body: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  };
  const index = (path: string) => {
    const info = statSync(join(root, path));
    catalog.upsert({ path, type: 'jpg', size: info.size, addedMs: info.mtimeMs });
  };
  for (const [path, body] of Object.entries(files)) {
    write(path, body);
    index(path);
  }
  const source = {
    mode: 'folder',
    catalog,
    async openItem(id: number): Promise<ItemBytes> {
      const absPath = join(root, catalog.paths[id]!);
      const info = statSync(absPath);
      return { kind: 'file', absPath, size: info.size, mtimeMs: info.mtimeMs };
    },
  } as unknown as DatasetSource;
  return {
    root,
    source,
    write,
    /** Moves a file on disk and in the catalog, as a scan would see it. */
    move(from: string, to: string) {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      renameSync(join(root, from), join(root, to));
      catalog.removeMany([catalog.idOf(from)!]);
      index(to);
    },
    index,
  };
}

async function strategyOver(source: DatasetSource, cache = new FingerprintCache(null), labels: LabelLookup = NO_LABELS) {
  const strategy = new FingerprintStrategy({ source, labels, cache, fingerprinter: await Fingerprinter.create({ chunkBytes: 4096 }) });
  await strategy.initial();
  await strategy.whenFingerprinted();
  return strategy;
}

describe('Fingerprinter', () => {
  it('hashes a file read in chunks to the xxh3-128 of its whole bytes', async () => {
    const dir = tempDir();
    const bytes = Buffer.alloc(10_000 + 17, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    writeFileSync(join(dir, 'big.bin'), bytes);
    writeFileSync(join(dir, 'empty.bin'), '');
    const fingerprinter = await Fingerprinter.create({ chunkBytes: 1000 });
    const [big, empty] = await Promise.all([fingerprinter.hashFile(join(dir, 'big.bin')), fingerprinter.hashFile(join(dir, 'empty.bin'))]);
    expect(big).toMatchObject({ size: bytes.length, hash: await xxhash128(bytes) });
    expect(empty).toMatchObject({ size: 0, hash: await xxhash128(new Uint8Array()) });
    expect(big.hash).not.toBe(empty.hash);
  });
});

describe('FingerprintCache', () => {
  it('answers only while size and mtime match, and keeps a removed file until told', () => {
    const cache = new FingerprintCache(null);
    cache.put('/a.jpg', { size: 10, mtimeMs: 1.5, hash: 'h1' });
    expect(cache.lookup('/a.jpg', 10, 1.5)).toBe('h1');
    expect(cache.lookup('/a.jpg', 10, 2)).toBeUndefined();
    expect(cache.lookup('/a.jpg', 11, 1.5)).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 1, misses: 2 });
    cache.put('/b.jpg', { size: 20, mtimeMs: 1, hash: 'h2' });
    cache.apply({ moved: [{ from: '/a.jpg', to: '/b.jpg' }, { from: '/b.jpg', to: '/a.jpg' }] });
    expect(cache.entry('/a.jpg')?.hash).toBe('h2');
    expect(cache.entry('/b.jpg')?.hash).toBe('h1');
    cache.apply({ removed: ['/a.jpg'] });
    expect(cache.entry('/a.jpg')).toBeUndefined();
    cache.close();
  });

  it('stays in memory until the workspace folder exists, then moves into its file', () => {
    const workspace = join(tempDir(), '.lenslet');
    const file = join(workspace, 'identity.sqlite');
    const cache = new FingerprintCache(file);
    cache.put('/a.jpg', { size: 10, mtimeMs: 1, hash: 'h1' });
    cache.persist();
    expect(cache.onDisk).toBe(false);
    mkdirSync(workspace);
    cache.persist();
    expect(cache.onDisk).toBe(true);
    cache.put('/b.jpg', { size: 20, mtimeMs: 2, hash: 'h2' });
    cache.close();
    const again = new FingerprintCache(file);
    expect(again.onDisk).toBe(true);
    expect([again.lookup('/a.jpg', 10, 1), again.lookup('/b.jpg', 20, 2)]).toEqual(['h1', 'h2']);
    again.close();
  });
});

describe('pair', () => {
  const fp = (hash: string) => ({ size: 1, mtimeMs: 1, hash });
  it('pairs equal fingerprints once each, the same base name first, then the nearest path', () => {
    const gone = new Map([
      ['/a/x.jpg', fp('same')],
      ['/a/y.jpg', fp('same')],
      ['/b/z.jpg', fp('other')],
    ]);
    const arrived = new Map([
      ['/c/y.jpg', fp('same')],
      ['/a/sub/q.jpg', fp('same')],
      ['/c/w.jpg', fp('none')],
    ]);
    expect(pair(gone, arrived).sort((m, n) => m.to.localeCompare(n.to))).toEqual([
      { from: '/a/x.jpg', to: '/a/sub/q.jpg' },
      { from: '/a/y.jpg', to: '/c/y.jpg' },
    ]);
  });

  it('pairs thousands of identical files by base name without weighing every pair', () => {
    const n = 3000;
    const gone = new Map(Array.from({ length: n }, (_, i) => [`/old/${i}.png`, fp('blank')] as const));
    const arrived = new Map(Array.from({ length: n }, (_, i) => [`/new/${i}.png`, fp('blank')] as const));
    const moves = pair(gone, arrived);
    expect(moves).toHaveLength(n);
    expect(moves.every((m) => m.from.slice(4) === m.to.slice(4))).toBe(true);
  });
});

describe('FingerprintStrategy', () => {
  it('finds a move by content, drops what vanished, and leaves identical files side by side alone', async () => {
    const f = folder({ '/a/cat.jpg': 'cat bytes', '/a/dog.jpg': 'dog bytes', '/twin1.jpg': 'same', '/gone.jpg': 'lost' });
    const strategy = await strategyOver(f.source);
    f.move('/a/cat.jpg', '/b/cat-renamed.jpg');
    f.write('/twin2.jpg', 'same');
    f.index('/twin2.jpg');
    f.write('/new.jpg', 'lost but other');
    f.index('/new.jpg');
    const moves = await strategy.movesFor({ removed: ['/a/cat.jpg', '/gone.jpg'], added: ['/b/cat-renamed.jpg', '/twin2.jpg', '/new.jpg'], changed: [] });
    expect(moves).toEqual([{ from: '/a/cat.jpg', to: '/b/cat-renamed.jpg' }]);
    // The fingerprint followed the file, so moving it again is found too.
    f.move('/b/cat-renamed.jpg', '/c/cat.jpg');
    expect(await strategy.movesFor({ removed: ['/b/cat-renamed.jpg'], added: ['/c/cat.jpg'], changed: [] })).toEqual([{ from: '/b/cat-renamed.jpg', to: '/c/cat.jpg' }]);
    await strategy.close();
  });

  it('hashes new files only when their size is that of a vanished one', async () => {
    const f = folder({ '/a.jpg': '12345' });
    const cache = new FingerprintCache(null);
    const strategy = await strategyOver(f.source, cache);
    f.write('/b.jpg', '1234567');
    f.index('/b.jpg');
    expect(await strategy.movesFor({ removed: ['/a.jpg'], added: ['/b.jpg'], changed: [] })).toEqual([]);
    // Not hashed while pairing (the background pass, which reads files, hashes it later for a move to come).
    expect(cache.entry('/b.jpg')).toBeUndefined();
    await strategy.whenFingerprinted();
    expect(cache.entry('/b.jpg')).toBeDefined();
    await strategy.close();
  });

  it('fingerprints labeled items first', async () => {
    const f = folder({ '/a.jpg': 'a', '/b.jpg': 'b', '/z.jpg': 'z' });
    const cache = new FingerprintCache(null);
    const order: string[] = [];
    const put = cache.put.bind(cache);
    cache.put = (path, value) => {
      order.push(path);
      put(path, value);
    };
    const labels: LabelLookup = { peek: () => undefined, forEachLabeled: (visit) => visit('/z.jpg', { star: 1, flag: null, tags: [], notes: '', version: 2, metrics: {} }) };
    await strategyOver(f.source, cache, labels);
    expect(order).toEqual(['/z.jpg', '/a.jpg', '/b.jpg']);
  });
});
