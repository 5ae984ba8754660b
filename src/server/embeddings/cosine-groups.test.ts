import { describe, expect, it } from 'vitest';
import { addLink, cosineComponents, newLinks } from './cosine-groups.js';

const links = (count: number, list: [number, number, number][]) => {
  const l = newLinks(count, 1);
  for (const [a, b, s] of list) addLink(l, a, b, s);
  return l;
};

describe('cosine components', () => {
  it('[DU9] links chain into one group whose score is its weakest tree link; singletons are left out; members and groups best first', () => {
    // 0–2–4 chained (0.99, 0.96), plus a redundant weaker 0–4 link; 1–3 a pair; 5 alone.
    const groups = cosineComponents(
      links(6, [
        [4, 2, 0.96],
        [1, 3, 0.97],
        [0, 2, 0.99],
        [0, 4, 0.955],
        [2, 0, 0.99],
      ]),
    );
    expect(groups.map((g) => [g.members, Number(g.score.toFixed(3))])).toEqual([
      [[0, 2, 4], 0.96],
      [[1, 3], 0.97],
    ]);
  });

  it('[DU9] no links, no groups; a score rounded past 1 is 1', () => {
    expect(cosineComponents(links(3, []))).toEqual([]);
    expect(cosineComponents(links(2, [[0, 1, 1.0000001]]))).toEqual([{ members: [0, 1], score: 1 }]);
  });
});
