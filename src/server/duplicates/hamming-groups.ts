/**
 * Near-duplicate groups among 64-bit hashes without comparing every pair: multi-index hashing
 * (Norouzi et al.). The hash is cut into 4 chunks of 16 bits; two hashes within distance d agree
 * within ⌊d / 4⌋ bits on at least one chunk (pigeonhole), so only hashes in buckets (65,536 a
 * chunk, direct-indexed) whose values differ by such a mask are weighed: at d = 12 about 1% of
 * the pairs instead of all of them. A BK-tree was the other choice: at d = 12 of 64 bits its
 * searches visit most of the tree, since the distances between unrelated hashes bunch around 32.
 */

const CHUNKS = 4;
const CHUNK_BITS = 16;
const BUCKETS = 1 << CHUNK_BITS;

export interface HashList {
  /** High and low 32 bits of each hash, by position. */
  hi: Uint32Array;
  lo: Uint32Array;
  count: number;
}

export interface HashGroup {
  /** Positions in the list: the first is the group's leader, the rest ascending. */
  members: number[];
  /** The largest distance between the leader and another member. */
  distance: number;
}

/**
 * Groups of positions (DU4): positions are taken in order, and each one not yet grouped gathers
 * every ungrouped position (all later ones) within `maxDistance` of it. Pass the list best first:
 * a leader is then the best of its group, and every member lies within `maxDistance` of it (no
 * chains of a-near-b-near-c pulling in items far from the first). Singletons are left out.
 */
export function groupByHamming(list: HashList, maxDistance: number): HashGroup[] {
  const steps = groupSteps(list, maxDistance);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Buckets weighed between two yields of `groupSteps`: about 10 ms of work at 100k hashes and d = 12. */
const BUCKETS_PER_STEP = 2048;

/**
 * `groupByHamming` in steps: it yields every few thousand buckets, so a caller can let other work
 * (requests) in between; at 100k hashes and d = 12 the whole grouping takes about a second of CPU.
 */
export function* groupSteps(list: HashList, maxDistance: number): Generator<void, HashGroup[]> {
  const { count } = list;
  const hi = new Int32Array(list.hi.buffer, list.hi.byteOffset, count);
  const lo = new Int32Array(list.lo.buffer, list.lo.byteOffset, count);
  const near = new Edges();
  const masks = masksWithin(Math.floor(maxDistance / CHUNKS));
  for (let c = 0; c < CHUNKS; c++) yield* pairsWithin(buildTable(hi, lo, count, c), masks, maxDistance, near);
  const { starts, others, distances } = near.adjacency(count);
  const grouped = new Uint8Array(count);
  const groups: HashGroup[] = [];
  for (let leader = 0; leader < count; leader++) {
    if (grouped[leader]) continue;
    grouped[leader] = 1;
    const members: number[] = [];
    let distance = 0;
    for (let k = starts[leader]!; k < starts[leader + 1]!; k++) {
      const j = others[k]!;
      if (grouped[j]) continue;
      grouped[j] = 1;
      members.push(j);
      distance = Math.max(distance, distances[k]!);
    }
    if (members.length > 0) groups.push({ members: [leader, ...members.sort((x, y) => x - y)], distance });
  }
  return groups;
}

/**
 * One chunk's buckets: `starts[v] … starts[v + 1]` index the entries whose chunk value is v. Each
 * entry is [position, high bits, low bits] side by side, so a bucket is read from one place in
 * sequence instead of from three scattered arrays.
 */
interface ChunkTable {
  starts: Int32Array;
  entries: Int32Array;
}

/**
 * Every pair within `maxDistance` whose chunk values differ by a mask, found bucket pair by bucket
 * pair: each pair of buckets is visited once per chunk (65,536 × masks / 2 visits whatever the
 * count), where asking for every hash's near buckets would visit count × masks of them. A pair
 * close on several chunks is recorded once per chunk; the grouping reads it twice at no harm.
 */
function* pairsWithin(table: ChunkTable, masks: Int32Array, maxDistance: number, out: Edges): Generator<void, void> {
  const { starts, entries } = table;
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    if (bucket % BUCKETS_PER_STEP === BUCKETS_PER_STEP - 1) yield;
    const aStart = starts[bucket]! * 3;
    const aEnd = starts[bucket + 1]! * 3;
    if (aStart === aEnd) continue;
    for (let m = 0; m < masks.length; m++) {
      const other = bucket ^ masks[m]!;
      // Each unordered pair of buckets once; a bucket with itself (mask 0) over its own pairs.
      if (other < bucket) continue;
      const bStart = starts[other]! * 3;
      const bEnd = starts[other + 1]! * 3;
      for (let a = aStart; a < aEnd; a += 3) {
        const h = entries[a + 1]!;
        const l = entries[a + 2]!;
        for (let b = other === bucket ? a + 3 : bStart; b < bEnd; b += 3) {
          const d = popcount(h ^ entries[b + 1]!) + popcount(l ^ entries[b + 2]!);
          if (d <= maxDistance) out.add(entries[a]!, entries[b]!, d);
        }
      }
    }
  }
}

/** Pairs (i, j, distance) as they are found, then as each position's neighbours (both ways). */
class Edges {
  private data = new Int32Array(3 * 1024);
  private size = 0;

  add(i: number, j: number, d: number): void {
    if (this.size * 3 + 3 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size * 3] = i;
    this.data[this.size * 3 + 1] = j;
    this.data[this.size * 3 + 2] = d;
    this.size++;
  }

  adjacency(count: number): { starts: Int32Array; others: Int32Array; distances: Int32Array } {
    const { data, size } = this;
    const starts = new Int32Array(count + 1);
    for (let e = 0; e < size; e++) {
      starts[data[e * 3]! + 1]!++;
      starts[data[e * 3 + 1]! + 1]!++;
    }
    for (let i = 0; i < count; i++) starts[i + 1]! += starts[i]!;
    const fill = starts.slice(0, count);
    const others = new Int32Array(size * 2);
    const distances = new Int32Array(size * 2);
    for (let e = 0; e < size; e++) {
      const i = data[e * 3]!;
      const j = data[e * 3 + 1]!;
      const d = data[e * 3 + 2]!;
      others[fill[i]!] = j;
      distances[fill[i]!++] = d;
      others[fill[j]!] = i;
      distances[fill[j]!++] = d;
    }
    return { starts, others, distances };
  }
}

/** Entries by chunk value, bucket by bucket (a counting sort). */
function buildTable(hi: Int32Array, lo: Int32Array, count: number, chunk: number): ChunkTable {
  const starts = new Int32Array(BUCKETS + 1);
  for (let i = 0; i < count; i++) starts[chunkOf(hi[i]!, lo[i]!, chunk) + 1]!++;
  for (let v = 0; v < BUCKETS; v++) starts[v + 1]! += starts[v]!;
  const fill = starts.slice(0, BUCKETS);
  const entries = new Int32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const at = fill[chunkOf(hi[i]!, lo[i]!, chunk)]!++ * 3;
    entries[at] = i;
    entries[at + 1] = hi[i]!;
    entries[at + 2] = lo[i]!;
  }
  return { starts, entries };
}

function chunkOf(hi: number, lo: number, chunk: number): number {
  switch (chunk) {
    case 0:
      return lo & 0xffff;
    case 1:
      return lo >>> 16;
    case 2:
      return hi & 0xffff;
    default:
      return hi >>> 16;
  }
}

/** Every 16-bit mask with at most `radius` bits set, fewest bits first. */
function masksWithin(radius: number): Int32Array {
  const masks: number[] = [];
  for (let m = 0; m < BUCKETS; m++) if (popcount(m) <= radius) masks.push(m);
  masks.sort((a, b) => popcount(a) - popcount(b) || a - b);
  return Int32Array.from(masks);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
