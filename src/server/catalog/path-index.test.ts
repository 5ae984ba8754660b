import { describe, expect, it } from 'vitest';
import { finishHash, HASH_SEED, hashPath, hashRange, PathIndex } from './path-index.js';

function filled(keys: string[], hashOf: (key: string) => number = hashPath): PathIndex {
  const index = new PathIndex(keys);
  for (const [id, key] of keys.entries()) index.add(id, hashOf(key));
  return index;
}

describe('PathIndex', () => {
  it('finds every key when all of them collide, and misses keys it does not hold', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `/same/${i}.jpg`);
    const index = filled(keys, () => 7); // one hash for all: every probe walks the same run
    for (const [id, key] of keys.entries()) expect(index.find(key, 7)).toBe(id);
    expect(index.find('/same/40.jpg', 7)).toBe(-1);
    expect(index.find('/same/1.jpg', 8)).toBe(-1); // the stored hash is compared before the string
  });

  it('keeps its answers while it grows from the smallest table', () => {
    const keys: string[] = [];
    const index = new PathIndex(keys);
    for (let id = 0; id < 5_000; id++) {
      keys.push(`/g/${id}`);
      index.add(id, hashPath(keys[id]!));
      if (id % 997 === 0) for (let j = 0; j <= id; j++) expect(index.find(keys[j]!, hashPath(keys[j]!))).toBe(j);
    }
    expect(index.size).toBe(5_000);
  });

  it('reserve keeps the keys already held', () => {
    const keys = ['/a', '/b', '/c'];
    const index = filled(keys);
    index.reserve(100_000);
    for (const [id, key] of keys.entries()) expect(index.find(key, hashPath(key))).toBe(id);
    expect(index.find('/d', hashPath('/d'))).toBe(-1);
  });

  it('finds a key by a prefix of a longer string without slicing it', () => {
    const keys = ['/', '/photos', '/photos/2024', '/photo'];
    const index = filled(keys);
    const item = '/photos/2024/img.jpg';
    const prefixHash = (end: number) => finishHash(hashRange(HASH_SEED, item, 0, end));
    expect(prefixHash(12)).toBe(hashPath('/photos/2024')); // the hash of a prefix is the hash of that string
    expect(index.findPrefix(item, 12, prefixHash(12))).toBe(2);
    expect(index.findPrefix(item, 7, prefixHash(7))).toBe(1);
    expect(index.findPrefix(item, 6, prefixHash(6))).toBe(3);
    expect(index.findPrefix(item, 9, prefixHash(9))).toBe(-1);
    const colliding = filled(keys, () => 3); // same hash, different lengths and texts
    expect(colliding.findPrefix(item, 7, 3)).toBe(1);
    expect(colliding.findPrefix('/photoz/x', 7, 3)).toBe(-1);
  });

  it('hashes every code unit, beyond Latin-1 too', () => {
    expect(hashPath('/a/b')).not.toBe(hashPath('/a/c'));
    expect(hashPath('/é/😀')).not.toBe(hashPath('/é/😁'));
    expect(hashPath('')).toBe(finishHash(HASH_SEED));
  });

  it('round-trips 1M distinct paths', () => {
    const n = 1_000_000;
    const keys = Array.from({ length: n }, (_, i) => `/shard_${String(i % 1000).padStart(4, '0')}/img_${String(i).padStart(7, '0')}.jpg`);
    const index = new PathIndex(keys, n);
    for (let id = 0; id < n; id++) index.add(id, hashPath(keys[id]!));
    let wrong = 0;
    for (let id = 0; id < n; id++) if (index.find(keys[id]!, hashPath(keys[id]!)) !== id) wrong++;
    expect(wrong).toBe(0);
    expect(index.find('/shard_0000/img_1000000.jpg', hashPath('/shard_0000/img_1000000.jpg'))).toBe(-1);
  });
});
