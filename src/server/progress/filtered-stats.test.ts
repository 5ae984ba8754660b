import { describe, expect, it } from 'vitest';
import { pick, seededRandom as random } from '../../../test/factories/seeded-random.js';
import { statsBodySchema, type StatsResponse } from '../../protocol/progress.js';
import { isWithin, parentPath } from '../../protocol/paths.js';
import type { Filter } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import { ChangeFeed } from '../events/change-feed.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';
import { LabelService } from '../labels/label-service.js';
import { MemoryLabelStore } from '../labels/memory-label-store.js';
import { QueryEngine } from '../query/query-engine.js';
import { editOf } from './edit-feed.js';
import { ProgressService } from './progress-service.js';
import { SqliteDocumentBackend } from './sqlite-document-backend.js';
import { HOUR_MS } from './tally.js';


const FOLDERS = ['/', '/a', '/a/b', '/d'];
const PATHS = FOLDERS.flatMap((f) => [0, 1, 2, 3, 4, 5].map((i) => (f === '/' ? `/${i}.jpg` : `${f}/${i}.jpg`)));
/** More than the label index keeps in a mask (32), so tags past it are counted and filtered too. */
const TAGS = ['cat', 'dog', 'bird', ...Array.from({ length: 34 }, (_, i) => `t${i}`)];
const USERS = ['ann', 'bob', 'cy'];
const NOW = Date.parse('2026-03-01T12:30:00Z');
const widthOf = (path: string) => 50 + ((path.length * 37) % 200);

/** Each filter kind, with what it keeps written apart from the query engine. */
const CASES: { filters: Filter[]; keeps: (path: string, s: LabelSnapshot | undefined) => boolean }[] = [
  { filters: [{ stars: [5] }], keeps: (_, s) => (s?.star ?? 0) === 5 },
  { filters: [{ stars: [0, 3] }], keeps: (_, s) => [0, 3].includes(s?.star ?? 0) },
  { filters: [{ flags: ['pick'] }], keeps: (_, s) => s?.flag === 'pick' },
  { filters: [{ flags: ['none', 'reject'] }], keeps: (_, s) => (s?.flag ?? null) !== 'pick' },
  { filters: [{ tags_any: ['cat', 'nope'] }], keeps: (_, s) => s?.tags.includes('cat') ?? false },
  { filters: [{ tags_all: ['cat', 'dog'] }], keeps: (_, s) => (s?.tags.includes('cat') && s.tags.includes('dog')) ?? false },
  { filters: [{ tags_none: ['dog'] }], keeps: (_, s) => !s?.tags.includes('dog') },
  { filters: [{ metric: 'm', min: 0.5 }], keeps: (_, s) => (s?.metrics.m ?? -1) >= 0.5 },
  { filters: [{ text: 'NOTE' }], keeps: (path, s) => path.toLowerCase().includes('note') || (s?.notes.toLowerCase().includes('note') ?? false) },
  { filters: [{ width: { gt: 120 } }, { stars: [1, 2] }], keeps: (path, s) => widthOf(path) > 120 && [1, 2].includes(s?.star ?? 0) },
];

/** The stats of the items `keeps` keeps under `folder`, counted one by one from the rows and the edits. */
function recount(rows: Map<string, LabelSnapshot>, edits: readonly { path: string; user: string; atMs: number }[], folder: string, keeps: (path: string, s: LabelSnapshot | undefined) => boolean): StatsResponse {
  const members = new Set(PATHS.filter((p) => isWithin(parentPath(p), folder) && keeps(p, rows.get(p))));
  const stars = [0, 0, 0, 0, 0, 0];
  let pickCount = 0;
  let reject = 0;
  let labeled = 0;
  const tags = new Map<string, number>();
  const writers = new Map<string, number>();
  for (const path of members) {
    const s = rows.get(path);
    if (!s) continue;
    const star = s.star ?? 0;
    if (!(star > 0 || s.tags.length || s.notes || s.flag)) continue;
    labeled++;
    stars[star]!++;
    if (s.flag === 'pick') pickCount++;
    if (s.flag === 'reject') reject++;
    for (const t of s.tags) tags.set(t, (tags.get(t) ?? 0) + 1);
    if (s.updated_by) writers.set(s.updated_by, (writers.get(s.updated_by) ?? 0) + 1);
  }
  const perUser = new Map<string, { edits: number; last: number }>();
  const hours = new Map<number, number>();
  for (const e of edits) {
    if (!members.has(e.path)) continue;
    const u = perUser.get(e.user) ?? { edits: 0, last: 0 };
    perUser.set(e.user, { edits: u.edits + 1, last: Math.max(u.last, e.atMs) });
    hours.set(Math.floor(e.atMs / HOUR_MS), (hours.get(Math.floor(e.atMs / HOUR_MS)) ?? 0) + 1);
  }
  const users = new Set([...writers.keys(), ...perUser.keys()]);
  const total = members.size;
  const rated = stars[1]! + stars[2]! + stars[3]! + stars[4]! + stars[5]!;
  const nowHour = Math.floor(NOW / HOUR_MS);
  return {
    total,
    labeled,
    by_star: { 0: total - rated, 1: stars[1]!, 2: stars[2]!, 3: stars[3]!, 4: stars[4]!, 5: stars[5]! },
    by_flag: { pick: pickCount, reject, none: total - pickCount - reject },
    by_tag: [...tags].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([tag, count]) => ({ tag, count })),
    by_user: [...users]
      .map((user) => ({ user, edits: perUser.get(user)?.edits ?? 0, items: writers.get(user) ?? 0, last_at: perUser.has(user) ? new Date(perUser.get(user)!.last).toISOString() : null }))
      .sort((a, b) => b.edits - a.edits || b.items - a.items || (a.user < b.user ? -1 : 1)),
    timeline: Array.from({ length: 168 }, (_, i) => ({ t: new Date((nowHour - 167 + i) * HOUR_MS).toISOString(), edits: hours.get(nowHour - 167 + i) ?? 0 })),
  };
}

describe('filtered progress stats', () => {
  it('[PR4] after random writes, batch writes, metrics, moves and seeds, filtered stats of every filter kind equal a recount from the labels and the edits', async () => {
    for (const seed of [1, 2]) {
      const catalog = new Catalog();
      for (const path of PATHS) catalog.insertNew({ path, type: 'image/jpeg', w: widthOf(path), h: 100 });
      const feed = new ChangeFeed();
      let clock = NOW - 30 * HOUR_MS;
      const service = await LabelService.open({ store: new MemoryLabelStore(), feed, itemExists: (p) => catalog.idOf(p) !== undefined, now: () => clock });
      const labelWatch = (changed: (path: string | undefined) => void) => service.listen({ changed: (path) => changed(path), cleared: () => changed(undefined) });
      const query = new QueryEngine({ catalog, labels: service, labelRevision: () => service.revision, labelWatch, buildSliceMs: 0 });
      const progress = await ProgressService.open({ labels: service, feed, catalog, query, views: { find: () => undefined, version: 1 }, backend: new SqliteDocumentBackend(null), now: () => NOW });
      await progress.ready;
      const edits: { path: string; user: string; atMs: number }[] = [];
      feed.subscribe((event) => {
        const edit = editOf(event.type, event.data);
        if (edit) edits.push(edit);
      });
      const next = random(seed);
      const check = () => {
        const rows = new Map<string, LabelSnapshot>();
        service.forEachRow((path, s) => rows.set(path, s));
        for (const { filters, keeps } of CASES) {
          for (const folder of ['/', '/a']) {
            const got = progress.stats(statsBodySchema.parse({ path: folder, recursive: true, filters }));
            expect(got, `seed ${seed} ${folder} ${JSON.stringify(filters)}`).toEqual(recount(rows, edits, folder, keeps));
          }
        }
      };
      for (let step = 0; step < 180; step++) {
        clock += Math.floor(next() * 20 * 60_000);
        const path = pick(next, PATHS);
        const user = pick(next, USERS);
        const base = (await service.getMany([path]))[0]!.version;
        const roll = next();
        if (roll < 0.55) {
          const r = next();
          const patch =
            r < 0.35
              ? { set_star: Math.floor(next() * 6) }
              : r < 0.55
                ? { set_flag: pick(next, [null, 'pick', 'reject'] as const) }
                : { add_tags: [pick(next, TAGS), pick(next, TAGS.slice(0, 3))], remove_tags: [pick(next, TAGS)] };
          await service.patchItem(path, patch, base, { key: `k${step}`, actor: user });
        } else if (roll < 0.7) {
          await service.patchItems([{ path, base_version: base, patch: { set_notes: next() < 0.5 ? '' : 'a Note' } }], { key: `k${step}`, actor: user });
        } else if (roll < 0.82) {
          await service.putMetrics([{ path, metrics: { m: next() } }], { actor: 'worker' });
        } else if (roll < 0.93) {
          await service.moveItems([{ from: path, to: pick(next, PATHS) }], 'watcher');
        } else {
          await service.seed([{ path: pick(next, PATHS), tags: ['seeded', 'cat'], notes: '', star: 5, flag: 'pick' }], 'table');
        }
        // Asked every few writes: the label index is then patched with those changes, not rebuilt.
        if (step % 3 === 2) check();
      }
      expect(edits.length).toBeGreaterThan(60);
      check();
      await progress.close();
      await service.close();
    }
  }, 120_000);
});
