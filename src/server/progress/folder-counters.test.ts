import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../../../test/factories/seeded-random.js';
import { isWithin, parentPath } from '../../protocol/paths.js';
import type { LabeledRule } from '../../protocol/progress.js';
import { ChangeFeed } from '../events/change-feed.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';
import { LabelProjection } from '../labels/label-projection.js';
import { LabelService } from '../labels/label-service.js';
import type { StoredEvent } from '../labels/label-store.js';
import { MemoryLabelStore } from '../labels/memory-label-store.js';
import { editOf } from './edit-feed.js';
import { FolderCounters } from './folder-counters.js';
import { HOUR_MS } from './tally.js';


const FOLDERS = ['/', '/a', '/a/b', '/a/b/c', '/d', '/d/e'];
const PATHS = FOLDERS.flatMap((f) => [0, 1, 2, 3, 4].map((i) => (f === '/' ? `/${i}.jpg` : `${f}/${i}.jpg`)));
const TAGS = ['cat', 'dog', 'bird', 'x'];
const USERS = ['ann', 'bob', 'cy'];
const RULES: LabeledRule[] = ['any', 'star', 'flag', 'tag:cat', 'tag:nope'];
const NOW = Date.parse('2026-03-01T12:30:00Z');

interface Edit {
  path: string;
  user: string;
  atMs: number;
}

/**
 * The stats of `folder` counted from scratch, written apart from `Tally` on purpose: every stored
 * row and every edit, one by one.
 */
function recount(rows: Map<string, LabelSnapshot>, edits: readonly Edit[], folder: string, recursive: boolean, total: number, rule: LabeledRule) {
  const inScope = (path: string) => (recursive ? isWithin(parentPath(path), folder) : parentPath(path) === folder);
  const stars = [0, 0, 0, 0, 0, 0];
  let pick = 0;
  let reject = 0;
  let labeled = 0;
  const tags = new Map<string, number>();
  const writers = new Map<string, number>();
  for (const [path, s] of rows) {
    if (!inScope(path)) continue;
    const flag = s.flag ?? null;
    const star = s.star ?? 0;
    if (!(star > 0 || s.tags.length || s.notes || flag)) continue;
    stars[star]!++;
    if (flag === 'pick') pick++;
    if (flag === 'reject') reject++;
    for (const t of s.tags) tags.set(t, (tags.get(t) ?? 0) + 1);
    if (s.updated_by) writers.set(s.updated_by, (writers.get(s.updated_by) ?? 0) + 1);
    const counts = rule === 'any' || (rule === 'star' && star > 0) || (rule === 'flag' && flag !== null) || (rule.startsWith('tag:') && s.tags.includes(rule.slice(4)));
    if (counts) labeled++;
  }
  const perUser = new Map<string, { edits: number; last: number }>();
  const hours = new Map<number, number>();
  for (const e of edits) {
    if (!inScope(e.path)) continue;
    const u = perUser.get(e.user) ?? { edits: 0, last: 0 };
    perUser.set(e.user, { edits: u.edits + 1, last: Math.max(u.last, e.atMs) });
    const h = Math.floor(e.atMs / HOUR_MS);
    hours.set(h, (hours.get(h) ?? 0) + 1);
  }
  const users = new Set([...writers.keys(), ...perUser.keys()]);
  const by_user = [...users]
    .map((user) => ({ user, edits: perUser.get(user)?.edits ?? 0, items: writers.get(user) ?? 0, last_at: perUser.has(user) ? new Date(perUser.get(user)!.last).toISOString() : null }))
    .sort((a, b) => b.edits - a.edits || b.items - a.items || a.user.localeCompare(b.user));
  const nowHour = Math.floor(NOW / HOUR_MS);
  const timeline = Array.from({ length: 168 }, (_, i) => {
    const h = nowHour - 167 + i;
    return { t: new Date(h * HOUR_MS).toISOString(), edits: hours.get(h) ?? 0 };
  });
  const rated = stars[1]! + stars[2]! + stars[3]! + stars[4]! + stars[5]!;
  return {
    total,
    labeled,
    by_star: { 0: total - rated, 1: stars[1], 2: stars[2], 3: stars[3], 4: stars[4], 5: stars[5] },
    by_flag: { pick, reject, none: total - pick - reject },
    by_tag: [...tags]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 50)
      .map(([tag, count]) => ({ tag, count })),
    by_user,
    timeline,
  };
}

function rowsOf(projection: LabelProjection): Map<string, LabelSnapshot> {
  const rows = new Map<string, LabelSnapshot>();
  projection.forEachRow((path, s) => rows.set(path, s));
  return rows;
}

/** Compares every folder, flat and recursive, under every rule; `total` is large enough for any folder. */
function expectAgree(counters: FolderCounters, rows: Map<string, LabelSnapshot>, edits: readonly Edit[]): void {
  for (const folder of FOLDERS) {
    for (const recursive of [false, true]) {
      for (const rule of RULES) {
        const got = counters.sum(folder, recursive).summary(1000, rule, NOW);
        expect(got, `${folder} recursive=${recursive} rule=${rule}`).toEqual(recount(rows, edits, folder, recursive, 1000, rule));
      }
    }
  }
}

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)]!;
}

describe('progress counters', () => {
  it('[PR1] after random applies, removals, logged events, moves and reloads the folder counters equal a full recount', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const next = random(seed);
      const projection = new LabelProjection();
      const counters = new FolderCounters();
      projection.listen(counters);
      const edits: Edit[] = [];
      let id = 0;
      const labels = () => ({
        star: next() < 0.3 ? null : Math.floor(next() * 6),
        flag: pick(next, [null, null, 'pick', 'reject'] as const),
        tags: TAGS.filter(() => next() < 0.3),
        notes: next() < 0.2 ? 'note' : '',
        metrics: (next() < 0.3 ? { blur: next() } : {}) as Record<string, number>,
      });
      for (let step = 0; step < 400; step++) {
        const path = pick(next, PATHS);
        const user = pick(next, USERS);
        const version = (projection.peek(path)?.version ?? 1) + 1;
        const atMs = NOW - Math.floor(next() * 9 * 24 * HOUR_MS);
        const updated_at = new Date(atMs).toISOString();
        const roll = next();
        if (roll < 0.35) {
          projection.apply({ path, ...labels(), version, updated_at, updated_by: user });
        } else if (roll < 0.65) {
          const l = labels();
          const event: StoredEvent = { id: ++id, type: 'item-updated', path, changes: {}, data: { path, version, ...l, updated_at, updated_by: user } };
          projection.applyEvent(event);
          const edit = editOf(event.type, event.data)!;
          counters.edit(edit.path, edit.user, edit.atMs);
          edits.push(edit);
        } else if (roll < 0.75) {
          projection.applyEvent({ id: ++id, type: 'metrics-updated', path, changes: {}, data: { path, version, metrics: { m: next() }, updated_at, updated_by: 'worker' } });
        } else if (roll < 0.85) {
          const before = projection.peek(path);
          const to = pick(next, PATHS);
          if (before && !projection.peek(to) && to !== path) {
            projection.applyEvent({
              id: ++id,
              type: 'item-moved',
              path: to,
              changes: { moved: { from: path, to } },
              data: { from: path, to, version: before.version + 1, tags: before.tags, notes: before.notes, star: before.star, flag: before.flag, metrics: before.metrics, updated_at, updated_by: 'watcher' },
            });
          }
        } else if (roll < 0.95) {
          projection.remove(path);
        } else {
          // A reload (the log could not serve a catch-up): the projection starts again from rows.
          const kept = [...rowsOf(projection)].filter(() => next() < 0.7);
          await projection.load(
            (async function* () {
              for (const [p, s] of kept) yield { path: p, tags: s.tags, notes: s.notes, star: s.star, flag: s.flag, metrics: s.metrics, version: s.version, updated_at, updated_by: s.updated_by ?? null };
            })(),
          );
        }
      }
      expectAgree(counters, rowsOf(projection), edits);
    }
  });

  it('[PR1] through the label service: writes, batch writes, moves and seeds keep the counters equal to a recount', async () => {
    const feed = new ChangeFeed();
    const store = new MemoryLabelStore();
    const service = await LabelService.open({ store, feed, itemExists: () => true, now: () => NOW });
    const counters = new FolderCounters();
    const edits: Edit[] = [];
    service.listen(counters);
    feed.subscribe((event) => {
      const edit = editOf(event.type, event.data);
      if (!edit) return;
      counters.edit(edit.path, edit.user, edit.atMs);
      edits.push(edit);
    });
    const next = random(42);
    for (let step = 0; step < 300; step++) {
      const path = pick(next, PATHS);
      const user = pick(next, USERS);
      const base = (await service.getMany([path]))[0]!.version;
      const roll = next();
      if (roll < 0.6) {
        const r = next();
        const patch =
          r < 0.4 ? { set_star: Math.floor(next() * 6) } : r < 0.6 ? { set_flag: pick(next, [null, 'pick', 'reject'] as const) } : { add_tags: [pick(next, TAGS)], remove_tags: [pick(next, TAGS)] };
        await service.patchItem(path, patch, base, { key: `k${step}`, actor: user });
      } else if (roll < 0.75) {
        await service.patchItems([{ path, base_version: base, patch: { set_notes: next() < 0.5 ? '' : 'n' } }], { key: `k${step}`, actor: user });
      } else if (roll < 0.85) {
        await service.putMetrics([{ path, metrics: { m: next() } }], { actor: 'worker' });
      } else if (roll < 0.95) {
        await service.moveItems([{ from: path, to: pick(next, PATHS) }], 'watcher');
      } else {
        await service.seed([{ path: pick(next, PATHS), tags: ['seeded'], notes: '', star: 3, flag: 'pick' }], 'table');
      }
    }
    const rows = new Map<string, LabelSnapshot>();
    service.forEachRow((path, s) => rows.set(path, s));
    expect(edits.length).toBeGreaterThan(100);
    expectAgree(counters, rows, edits);
    await service.close();
  });

  it('[PR2] the labeled rule: star 0 is unrated, metrics alone are no label, a flag is one, a tag rule counts that tag', () => {
    const projection = new LabelProjection();
    const counters = new FolderCounters();
    projection.listen(counters);
    const row = (path: string, l: { star?: number | null; flag?: 'pick' | 'reject'; tags?: string[]; notes?: string; metrics?: Record<string, number> }) =>
      projection.apply({ path, star: l.star ?? null, flag: l.flag ?? null, tags: l.tags ?? [], notes: l.notes ?? '', metrics: l.metrics ?? {}, version: 2, updated_at: null, updated_by: 'ann' });
    row('/f/1.jpg', { star: 0 });
    row('/f/2.jpg', { metrics: { blur: 1 } });
    row('/f/3.jpg', { star: 4 });
    row('/f/4.jpg', { tags: ['cat'] });
    row('/f/5.jpg', { notes: 'n' });
    row('/f/6.jpg', { flag: 'reject' });
    row('/f/7.jpg', { flag: 'pick', star: 2 });
    const sum = counters.sum('/f', false);
    expect(sum.summary(10, 'any', NOW).labeled).toBe(5);
    expect(sum.summary(10, 'star', NOW).labeled).toBe(2);
    expect(sum.summary(10, 'flag', NOW).labeled).toBe(2);
    expect(sum.summary(10, 'tag:cat', NOW).labeled).toBe(1);
    expect(sum.summary(10, 'any', NOW).by_star).toEqual({ 0: 8, 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 });
    expect(sum.summary(10, 'any', NOW).by_flag).toEqual({ pick: 1, reject: 1, none: 8 });
    expect(sum.summary(10, 'any', NOW).by_user).toEqual([{ user: 'ann', edits: 0, items: 5, last_at: null }]);
  });
});
