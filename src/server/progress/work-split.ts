/**
 * Who of an assignment's people an item belongs to: rendezvous hashing of the item's path with
 * each person's name (the highest score wins). Every item goes to exactly one person (a
 * partition), the same one on every server and after every restart, and adding or removing a
 * person moves only the items that person gains or loses, never work between the others.
 */
export class WorkSplit {
  /** Sorted and without duplicates, so the order the admin listed them in changes nothing. */
  readonly people: readonly string[];
  private readonly seeds: Uint32Array;

  constructor(people: readonly string[]) {
    this.people = [...new Set(people)].sort();
    this.seeds = Uint32Array.from(this.people, (p) => fnv1a(p));
  }

  /** The index in `people` of whom `path` belongs to. */
  ownerIndex(path: string): number {
    if (this.seeds.length === 1) return 0;
    const h = fnv1a(path);
    let best = 0;
    let bestScore = -1;
    for (let i = 0; i < this.seeds.length; i++) {
      const score = mix(h ^ this.seeds[i]!);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  ownerOf(path: string): string {
    return this.people[this.ownerIndex(path)]!;
  }
}

/** FNV-1a over UTF-16 code units: cheap, and stable across processes and versions. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finalizer: spreads the XOR of two hashes so each person's scores look independent. */
function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
