/**
 * Near-duplicate groups by cosine similarity (duplicates SPEC DU9): the connected components of
 * the graph linking each item to its nearest neighbours that score at least `min_score`, found
 * by Kruskal's union-find over those links, best first. A group's score is its weakest link in
 * the maximum spanning tree: the lowest `min_score` at which it still holds together.
 */
export interface CosineLinks {
  /** Items 0…count-1 (positions in the scope, best first). */
  count: number;
  a: Int32Array;
  b: Int32Array;
  score: Float32Array;
  /** Links in use. */
  size: number;
}

export function newLinks(count: number, capacity: number): CosineLinks {
  return { count, a: new Int32Array(capacity), b: new Int32Array(capacity), score: new Float32Array(capacity), size: 0 };
}

export function addLink(links: CosineLinks, a: number, b: number, score: number): void {
  if (links.size === links.a.length) {
    const grow = <T extends Int32Array | Float32Array>(old: T, make: (n: number) => T): T => {
      const next = make(Math.max(16, old.length * 2));
      next.set(old);
      return next;
    };
    links.a = grow(links.a, (n) => new Int32Array(n));
    links.b = grow(links.b, (n) => new Int32Array(n));
    links.score = grow(links.score, (n) => new Float32Array(n));
  }
  links.a[links.size] = a;
  links.b[links.size] = b;
  links.score[links.size] = score;
  links.size++;
}

/** The groups of two or more, members ascending (best first), in the order of their first member. */
export function cosineComponents(links: CosineLinks): { members: number[]; score: number }[] {
  const parent = new Int32Array(links.count);
  for (let i = 0; i < links.count; i++) parent[i] = i;
  const weakest = new Float32Array(links.count).fill(Number.POSITIVE_INFINITY);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  // Strongest links first: the link that joins two parts is the weakest of the tree so far.
  const order = Array.from({ length: links.size }, (_, i) => i).sort((x, y) => links.score[y]! - links.score[x]! || x - y);
  for (const l of order) {
    const ra = find(links.a[l]!);
    const rb = find(links.b[l]!);
    if (ra === rb) continue;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent[child] = root;
    weakest[root] = Math.min(weakest[root]!, weakest[child]!, links.score[l]!);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < links.count; i++) {
    const root = find(i);
    if (root === i && weakest[i] === Number.POSITIVE_INFINITY) continue;
    const members = groups.get(root);
    if (members) members.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.entries()].map(([root, members]) => ({ members, score: Math.max(-1, Math.min(1, weakest[root]!)) }));
}
