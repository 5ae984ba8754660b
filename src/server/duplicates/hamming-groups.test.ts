import { describe, expect, it } from 'vitest';
import { groupByHamming, type HashList } from './hamming-groups.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/** `n` random hashes, and near copies (a few bits flipped) of some of them, shuffled in. */
function makeList(n: number, copies: number, maxFlips: number, seed = 1): HashList {
  const next = rng(seed);
  const hi = new Uint32Array(n + copies);
  const lo = new Uint32Array(n + copies);
  for (let i = 0; i < n; i++) {
    hi[i] = next();
    lo[i] = next();
  }
  for (let c = 0; c < copies; c++) {
    const of = next() % n;
    let h = hi[of]!;
    let l = lo[of]!;
    const flips = next() % (maxFlips + 1);
    for (let f = 0; f < flips; f++) {
      const bit = next() % 64;
      if (bit < 32) l ^= 1 << bit;
      else h ^= 1 << (bit - 32);
    }
    hi[n + c] = h >>> 0;
    lo[n + c] = l >>> 0;
  }
  return { hi, lo, count: n + copies };
}

function distance(list: HashList, a: number, b: number): number {
  let x = (list.hi[a]! ^ list.hi[b]!) >>> 0;
  let y = (list.lo[a]! ^ list.lo[b]!) >>> 0;
  let n = 0;
  for (; x; x &= x - 1) n++;
  for (; y; y &= y - 1) n++;
  return n;
}

/** The same leader clustering by comparing every pair. */
function bruteForce(list: HashList, maxDistance: number): number[][] {
  const grouped = new Uint8Array(list.count);
  const groups: number[][] = [];
  for (let leader = 0; leader < list.count; leader++) {
    if (grouped[leader]) continue;
    grouped[leader] = 1;
    const members = [leader];
    for (let j = 0; j < list.count; j++) {
      if (!grouped[j] && distance(list, leader, j) <= maxDistance) {
        grouped[j] = 1;
        members.push(j);
      }
    }
    if (members.length > 1) groups.push(members);
  }
  return groups;
}

describe('groupByHamming', () => {
  it.each([0, 3, 7, 12, 16, 24])('[DU4] finds exactly the groups that comparing every pair finds (max distance %i)', (maxDistance) => {
    const list = makeList(1200, 300, maxDistance + 2, maxDistance + 1);
    const groups = groupByHamming(list, maxDistance);
    expect(groups.map((g) => g.members)).toEqual(bruteForce(list, maxDistance));
    expect(groups.length).toBeGreaterThan(10);
  });

  it('[DU4] every member lies within the distance of its leader, and the group says how far the farthest is', () => {
    const list = makeList(2000, 800, 14, 5);
    for (const group of groupByHamming(list, 10)) {
      const distances = group.members.slice(1).map((m) => distance(list, group.members[0]!, m));
      expect(Math.max(...distances)).toBe(group.distance);
      expect(group.distance).toBeLessThanOrEqual(10);
    }
  });

  it('[DU4] a chain a~b~c with a and c too far apart is not one group', () => {
    // b is 6 bits from a, c is 6 further bits from b: 12 from a.
    const list: HashList = { hi: new Uint32Array([0, 0, 0]), lo: new Uint32Array([0, 0b111111, 0b111111111111]), count: 3 };
    expect(groupByHamming(list, 8).map((g) => g.members)).toEqual([[0, 1]]);
  });

  it('leaves singletons and an empty list out', () => {
    expect(groupByHamming({ hi: new Uint32Array(0), lo: new Uint32Array(0), count: 0 }, 12)).toEqual([]);
    expect(groupByHamming(makeList(50, 0, 0), 4)).toEqual([]);
  });
});
