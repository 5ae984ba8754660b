import { describe, expect, it } from 'vitest';
import { parentPath } from '../../protocol/paths.js';
import { ActivityIndex } from './activity-index.js';

/** A seeded pseudo-random sequence (tests must replay the same). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const FOLDERS = ['/', '/a', '/a/b', '/a/b/c', '/a/d', '/e', '/e/f'];

/** Every folder at or above `folder`. */
function above(folder: string): string[] {
  const out = [folder];
  while (out.at(-1) !== '/') out.push(parentPath(out.at(-1)!));
  return out;
}

describe('ActivityIndex', () => {
  it('[PR11] a page of a folder, flat or with its subtree, equals filtering every event, after out-of-order adds, moves and forgetting', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
      const index = new ActivityIndex(400);
      const events = new Map<number, string[]>();
      // Ids 1..300 are the log read at start (in order, but while live ones 301.. arrive).
      const start = Array.from({ length: 300 }, (_, i) => i + 1);
      let live = 301;
      let forgotten = 0;
      const add = (id: number) => {
        const paths = next() < 0.15 ? [`${pick(FOLDERS)}/x${id}.jpg`, `${pick(FOLDERS)}/y${id}.jpg`] : [`${pick(FOLDERS)}/i${id}.jpg`];
        events.set(id, paths.map((p) => p.replace('//', '/')));
        index.add(id, events.get(id)!);
      };
      while (start.length || live < 700) {
        if (start.length && next() < 0.5) add(start.shift()!);
        else if (live < 700) add(live++);
        if (next() < 0.01) {
          forgotten = Math.max(forgotten, Math.floor(next() * live));
          index.forgetBefore(forgotten);
        }
      }
      // Forgetting (asked, or the cap of 400 passed) keeps every id from a floor up, and no more than the cap.
      expect(index.floor).toBeGreaterThanOrEqual(forgotten);
      expect(index.size).toBeLessThanOrEqual(400);
      const kept = [...events.keys()].filter((id) => id >= index.floor).sort((x, y) => y - x);
      expect(kept.length).toBe(index.size);
      for (const folder of FOLDERS) {
        for (const recursive of [false, true]) {
          const expected = kept.filter((id) => {
            const folders = events.get(id)!.map(parentPath);
            return folders.some((f) => (recursive ? above(f).includes(folder) : f === folder));
          });
          // Walk it in pages of 7, as a client does.
          const got: number[] = [];
          let before = Number.POSITIVE_INFINITY;
          for (;;) {
            const page = index.page(folder, recursive, before, 7);
            got.push(...page.ids);
            if (!page.more) break;
            before = page.ids.at(-1)!;
          }
          expect(got, `seed ${seed} ${folder} ${recursive}`).toEqual(expected);
        }
      }
    }
  });

  it('[PR11] keeps at most its cap of events, the newest, and an id added twice once', () => {
    const index = new ActivityIndex(100);
    for (let id = 1; id <= 1000; id++) index.add(id, ['/a/1.jpg']);
    index.add(1000, ['/a/1.jpg']);
    expect(index.size).toBeLessThanOrEqual(100);
    const page = index.page('/', true, Number.POSITIVE_INFINITY, 1000);
    expect(page.ids[0]).toBe(1000);
    expect(page.ids).toEqual([...page.ids].sort((x, y) => y - x));
    expect(new Set(page.ids).size).toBe(page.ids.length);
    expect(page.ids.length).toBe(index.size);
    expect(index.page('/a', false, 5, 10)).toEqual({ ids: [], more: false });
  });
});
