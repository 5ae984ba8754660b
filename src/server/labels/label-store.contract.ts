import { afterEach, describe, expect, it } from 'vitest';
import type { LabelStore, LabelStoreOptions, LabelWrite, WriteResult, WriteUnit } from './label-store.js';
import type { Flag } from '../../protocol/items.js';

/**
 * The LabelStore contract (rules in SPEC.md). `makeStore` opens a fresh, empty store; `reopen`
 * (persistent stores only) closes a store and opens the same location again.
 */
export interface ContractHooks {
  reopen?(store: LabelStore, options?: LabelStoreOptions): Promise<LabelStore>;
}

const T0 = Date.parse('2026-01-23T19:22:05Z');
const AT = '2026-01-23T19:22:05.000Z';

function labelsWrite(path: string, expected: number | null, star: number | null, by = 'alice'): LabelWrite {
  return { path, expected_version: expected, labels: { tags: ['a'], notes: `n${star}`, star }, updated_at: AT, updated_by: by };
}

function unit(...writes: LabelWrite[]): WriteUnit {
  return { writes };
}

function keyed(key: string, fingerprint: string, ...writes: LabelWrite[]): WriteUnit {
  return {
    writes,
    idempotency: {
      key,
      fingerprint,
      shape: { kind: 'batch', slots: writes.map((w, i) => ({ path: w.path, write: i, base_version: w.expected_version })) },
    },
  };
}

async function one(store: LabelStore, write: LabelWrite, now = T0): Promise<WriteResult> {
  const [outcome] = await store.commit([unit(write)], now);
  if (outcome?.kind !== 'committed') throw new Error('expected a commit');
  return outcome.results[0]!;
}

export function runLabelStoreContract(
  makeStore: (options?: LabelStoreOptions) => Promise<LabelStore> | LabelStore,
  hooks: ContractHooks = {},
): void {
  let open: LabelStore[] = [];
  async function make(options?: LabelStoreOptions): Promise<LabelStore> {
    const s = await makeStore(options);
    open.push(s);
    return s;
  }
  afterEach(async () => {
    for (const s of open) await s.close().catch(() => {});
    open = [];
  });

  describe('items', () => {
    it('[LS1] an unwritten path reads as the default sidecar; getMany keeps order', async () => {
      const store = await make();
      expect(await store.get('/a.jpg')).toEqual({
        path: '/a.jpg', tags: [], notes: '', star: null, flag: null, metrics: {}, version: 1, updated_at: null, updated_by: null,
      });
      await one(store, labelsWrite('/b.jpg', 1, 3));
      const many = await store.getMany(['/b.jpg', '/a.jpg']);
      expect(many.map((s) => [s.path, s.version, s.star])).toEqual([['/b.jpg', 2, 3], ['/a.jpg', 1, null]]);
    });

    it('[LS2] a write at the current version applies, bumps the version and stores who and when', async () => {
      const store = await make();
      const r = await one(store, labelsWrite('/a.jpg', 1, 4, 'bob'));
      expect(r.status).toBe('applied');
      if (r.status !== 'applied') return;
      expect(r.sidecar).toEqual({
        path: '/a.jpg', tags: ['a'], notes: 'n4', star: 4, flag: null, metrics: {}, version: 2, updated_at: AT, updated_by: 'bob',
      });
      expect(r.event.type).toBe('item-updated');
      expect(await store.get('/a.jpg')).toEqual(r.sidecar);
      const r2 = await one(store, labelsWrite('/a.jpg', 2, 5));
      expect(r2.status === 'applied' && r2.sidecar.version).toBe(3);
    });

    it('[LS2] a patch applies to the state found in the transaction: set, then remove, then add', async () => {
      const store = await make();
      await one(store, { path: '/a.jpg', expected_version: 1, labels: { tags: ['x', 'y'], notes: 'keep', star: 3 }, updated_at: AT, updated_by: 'a' });
      const [o] = await store.commit(
        [unit(
          { path: '/a.jpg', expected_version: 2, patch: { add_tags: ['z'] }, updated_at: AT, updated_by: 'b' },
          { path: '/a.jpg', expected_version: 3, patch: { set_tags: ['q', 'x'], remove_tags: ['x', 'z'], add_tags: ['x', 'w'], set_star: null }, updated_at: AT, updated_by: 'c' },
        )],
        T0,
      );
      if (o?.kind !== 'committed') throw new Error('no commit');
      expect(o.results.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(await store.get('/a.jpg')).toMatchObject({ tags: ['q', 'x', 'w'], notes: 'keep', star: null, version: 4, updated_by: 'c' });
    });

    it('[LS3] a stale expected version is a conflict that changes nothing', async () => {
      const store = await make();
      await one(store, labelsWrite('/a.jpg', 1, 4));
      const before = await store.currentEventId();
      const r = await one(store, labelsWrite('/a.jpg', 1, 1));
      expect(r).toEqual({ status: 'conflict', current: await store.get('/a.jpg') });
      expect((await store.get('/a.jpg')).star).toBe(4);
      expect(await store.currentEventId()).toBe(before);
      expect((await one(store, labelsWrite('/never.jpg', 5, 1))).status).toBe('conflict');
    });

    it('[LS4] unconditional writes: metrics merge or replace, min_version raises the version', async () => {
      const store = await make();
      await one(store, { path: '/a.jpg', expected_version: null, metrics: { blur: 0.1, size: 3 }, updated_at: AT, updated_by: 'worker' });
      const r = await one(store, { path: '/a.jpg', expected_version: null, metrics: { blur: 0.5 }, updated_at: AT, updated_by: 'worker' });
      expect(r.status === 'applied' && r.sidecar).toMatchObject({ metrics: { blur: 0.5, size: 3 }, version: 3, updated_by: 'worker' });
      expect(r.status === 'applied' && r.event.type).toBe('metrics-updated');
      const imp = await one(store, {
        path: '/a.jpg', expected_version: null, labels: { tags: [], notes: '', star: 2 }, metrics: { q: 1 },
        replace_metrics: true, min_version: 10, updated_at: AT, updated_by: 'import',
      });
      expect(imp.status === 'applied' && imp.sidecar).toMatchObject({ metrics: { q: 1 }, version: 10, star: 2 });
      const again = await one(store, { ...labelsWrite('/a.jpg', null, 1), min_version: 3 });
      expect(again.status === 'applied' && again.sidecar.version).toBe(11);
    });

    it('[LS5] returned values are snapshots', async () => {
      const store = await make();
      const r = await one(store, labelsWrite('/a.jpg', 1, 4));
      if (r.status !== 'applied') throw new Error('not applied');
      r.sidecar.tags.push('mutated');
      const got = await store.get('/a.jpg');
      got.metrics.x = 1;
      got.tags.push('again');
      const [ev] = (await store.changesSince(0, 10)).events;
      (ev!.data as { tags: string[] }).tags.push('x');
      expect(await store.get('/a.jpg')).toMatchObject({ tags: ['a'], metrics: {} });
      expect(((await store.changesSince(0, 10)).events[0]!.data as { tags: string[] }).tags).toEqual(['a']);
    });
  });

  describe('commits and the event log', () => {
    it('[LS6] one commit applies units in order; same-version writes give one applied, one conflict', async () => {
      const store = await make();
      const outcomes = await store.commit([unit(labelsWrite('/a.jpg', 1, 1)), unit(labelsWrite('/a.jpg', 1, 2), labelsWrite('/b.jpg', 1, 3))], T0);
      const statuses = outcomes.map((o) => (o.kind === 'committed' ? o.results.map((r) => r.status) : o.kind));
      expect(statuses).toEqual([['applied'], ['conflict', 'applied']]);
      expect((await store.get('/a.jpg')).star).toBe(1);
    });

    it('[LS7] one event per applied write, with strictly increasing ids and the full state', async () => {
      const store = await make();
      const results = (await store.commit([unit(labelsWrite('/a.jpg', 1, 1), labelsWrite('/b.jpg', 1, 2), labelsWrite('/a.jpg', 2, 3))], T0))[0];
      if (results?.kind !== 'committed') throw new Error('no commit');
      const ids = results.results.map((r) => (r.status === 'applied' ? r.event.id : -1));
      expect(ids[0]).toBeGreaterThan(0);
      expect(ids).toEqual([ids[0]!, ids[0]! + 1, ids[0]! + 2]);
      expect(await store.currentEventId()).toBe(ids[2]);
      const { events } = await store.changesSince(0, 100);
      expect(events.map((e) => e.id)).toEqual(ids);
      expect(events[2]).toMatchObject({
        type: 'item-updated', path: '/a.jpg',
        data: { path: '/a.jpg', version: 3, tags: ['a'], notes: 'n3', star: 3, flag: null, updated_at: AT, updated_by: 'alice' },
      });
    });

    it('[LS8] changesSince pages in order, is empty at the head and resets past it', async () => {
      const store = await make();
      for (let i = 0; i < 5; i++) await one(store, labelsWrite(`/p${i}.jpg`, 1, 1));
      const head = await store.currentEventId();
      const first = await store.changesSince(head - 5, 2);
      expect(first.reset).toBe(false);
      expect(first.events.map((e) => e.path)).toEqual(['/p0.jpg', '/p1.jpg']);
      const rest = await store.changesSince(first.events[1]!.id, 100);
      expect(rest.events.map((e) => e.path)).toEqual(['/p2.jpg', '/p3.jpg', '/p4.jpg']);
      expect(await store.changesSince(head, 10)).toEqual({ events: [], reset: false });
      expect((await store.changesSince(head + 1, 10)).reset).toBe(true);
    });

    it('[LS9] compaction keeps the newest events and resets positions it removed', async () => {
      const store = await make({ eventRetention: 5 });
      for (let i = 0; i < 20; i++) await one(store, labelsWrite(`/p${i}.jpg`, 1, 1));
      const head = await store.currentEventId();
      const kept = await store.changesSince(head - 5, 100);
      expect(kept.reset).toBe(false);
      expect(kept.events.map((e) => e.id)).toEqual([head - 4, head - 3, head - 2, head - 1, head]);
      expect((await store.changesSince(0, 100)).reset).toBe(true);
      expect((await store.changesSince(head - 19, 100)).reset).toBe(true);
      // Ids continue above compacted ones.
      const r = await one(store, labelsWrite('/new.jpg', 1, 1));
      expect(r.status === 'applied' && r.event.id).toBe(head + 1);
    });

    it('[LS10] history lists a path\'s changes newest first with who, when and what', async () => {
      const store = await make();
      await one(store, { path: '/a.jpg', expected_version: 1, labels: { tags: ['x', 'y'], notes: 'hi', star: 2 }, updated_at: AT, updated_by: 'ann' });
      await one(store, labelsWrite('/other.jpg', 1, 1));
      await one(store, { path: '/a.jpg', expected_version: 2, labels: { tags: ['y', 'z'], notes: 'hi', star: 5 }, updated_at: AT, updated_by: 'ben' });
      await one(store, { path: '/a.jpg', expected_version: null, metrics: { m: 1 }, updated_at: AT, updated_by: 'bot' });
      const h = await store.history('/a.jpg', 10);
      expect(h.map((e) => [e.type, e.data.updated_by, e.data.version])).toEqual([
        ['metrics-updated', 'bot', 4], ['item-updated', 'ben', 3], ['item-updated', 'ann', 2],
      ]);
      expect(h[0]!.changes).toEqual({ metrics: { m: { from: null, to: 1 } } });
      expect(h[1]!.changes).toEqual({ star: { from: 2, to: 5 }, tags: { added: ['z'], removed: ['x'] } });
      expect(h[2]!.changes).toMatchObject({ star: { from: null, to: 2 }, notes: { from: '', to: 'hi' } });
      expect(await store.history('/a.jpg', 1)).toHaveLength(1);
      expect(await store.history('/none.jpg', 10)).toEqual([]);
    });

    it('[LS11] exportUnder yields items at or below a prefix, in path order, across pages', async () => {
      const store = await make();
      const paths = ['/a/x.jpg', '/a-b/y.jpg', '/a/sub/z.jpg', '/b.jpg', '/a'];
      for (let i = 0; i < 1200; i++) paths.push(`/a/many/${String(i).padStart(4, '0')}.jpg`);
      for (let i = 0; i < paths.length; i += 200) {
        await store.commit([unit(...paths.slice(i, i + 200).map((p) => labelsWrite(p, 1, 1)))], T0);
      }
      const under: string[] = [];
      for await (const s of store.exportUnder('/a')) under.push(s.path);
      const expected = paths.filter((p) => p === '/a' || p.startsWith('/a/')).sort();
      expect(under).toEqual(expected);
      let all = 0;
      for await (const s of store.exportUnder('/')) {
        expect(s.version).toBe(2);
        all++;
      }
      expect(all).toBe(paths.length);
    });
  });

  describe('flags (issue 12)', () => {
    const by = (who: string) => ({ updated_at: AT, updated_by: who });

    it('[LS25] set_flag sets the flag and nothing else; patches and labels without it keep it', async () => {
      const store = await make();
      const picked = await one(store, { path: '/a.jpg', expected_version: 1, patch: { set_flag: 'pick' }, ...by('ann') });
      expect(picked.status === 'applied' && picked.sidecar).toEqual({
        path: '/a.jpg', tags: [], notes: '', star: null, flag: 'pick', metrics: {}, version: 2, ...by('ann'),
      });
      expect(picked.status === 'applied' && picked.event.changes).toEqual({ flag: { from: null, to: 'pick' } });
      expect(picked.status === 'applied' && picked.event.data).toMatchObject({ path: '/a.jpg', version: 2, flag: 'pick' });
      await one(store, { path: '/a.jpg', expected_version: 2, patch: { set_star: 3, add_tags: ['t'] }, ...by('ben') });
      expect(await store.get('/a.jpg')).toMatchObject({ star: 3, tags: ['t'], flag: 'pick', version: 3 });
      // A full replacement from a client older than flags (no `flag`) keeps it too.
      const put = await one(store, { path: '/a.jpg', expected_version: 3, labels: { tags: [], notes: 'n', star: 1 }, ...by('cy') });
      expect(put.status === 'applied' && put.sidecar).toMatchObject({ flag: 'pick', notes: 'n', star: 1, version: 4 });
      expect(put.status === 'applied' && put.event.changes.flag).toBeUndefined();
      const rejected = await one(store, { path: '/a.jpg', expected_version: 4, labels: { tags: [], notes: 'n', star: 1, flag: 'reject' }, ...by('cy') });
      expect(rejected.status === 'applied' && rejected.event.changes).toEqual({ flag: { from: 'pick', to: 'reject' } });
      await one(store, { path: '/a.jpg', expected_version: 5, patch: { set_flag: null }, ...by('dee') });
      expect(await store.get('/a.jpg')).toMatchObject({ flag: null, star: 1, version: 6 });
      const h = await store.history('/a.jpg', 10);
      expect(h.map((e) => e.changes.flag)).toEqual([
        { from: 'reject', to: null }, { from: 'pick', to: 'reject' }, undefined, undefined, { from: null, to: 'pick' },
      ]);
      const { events } = await store.changesSince(0, 10);
      expect(events.map((e) => (e.data as { flag: unknown }).flag)).toEqual(['pick', 'pick', 'pick', 'reject', null]);
    });

    it('[LS25] a flag alone makes an item exported; getMany and a conflict carry it', async () => {
      const store = await make();
      await one(store, { path: '/f.jpg', expected_version: 1, patch: { set_flag: 'reject' }, ...by('ann') });
      const out: [string, unknown][] = [];
      for await (const s of store.exportUnder('/')) out.push([s.path, s.flag]);
      expect(out).toEqual([['/f.jpg', 'reject']]);
      expect((await store.getMany(['/none.jpg', '/f.jpg'])).map((s) => s.flag)).toEqual([null, 'reject']);
      const stale = await one(store, { path: '/f.jpg', expected_version: 1, patch: { set_flag: 'pick' }, ...by('ben') });
      expect(stale.status === 'conflict' && stale.current).toMatchObject({ flag: 'reject', version: 2 });
    });

    it('[LS26] seeds and moves carry the flag', async () => {
      const store = await make();
      const seeded = await store.seedDefaults([{ path: '/s.jpg', tags: [], notes: '', star: null, flag: 'pick' }], by('table'));
      expect(seeded.inserted).toEqual(['/s.jpg']);
      expect(await store.get('/s.jpg')).toMatchObject({ flag: 'pick', version: 1 });
      const [moved] = await store.move([{ from: '/s.jpg', to: '/t.jpg' }], by('watcher'));
      expect(moved?.status === 'moved' && moved.event.data).toMatchObject({ from: '/s.jpg', to: '/t.jpg', flag: 'pick' });
      expect(await store.get('/t.jpg')).toMatchObject({ flag: 'pick', version: 2 });
    });

    if (hooks.reopen) {
      const reopen = hooks.reopen;
      it('[LS25] flags survive reopen, in rows and in the event log', async () => {
        const store = await make();
        await one(store, { path: '/a.jpg', expected_version: 1, patch: { set_flag: 'reject' }, ...by('ann') });
        const again = await reopen(store);
        open.push(again);
        expect(await again.get('/a.jpg')).toMatchObject({ flag: 'reject', version: 2 });
        const { events } = await again.changesSince(0, 10);
        expect(events.map((e) => (e.data as { flag: unknown }).flag)).toEqual(['reject']);
        expect((await again.history('/a.jpg', 10))[0]!.changes).toEqual({ flag: { from: null, to: 'reject' } });
      });
    }
  });

  describe('seeds', () => {
    const STAMP = { updated_at: AT, updated_by: 'table' };
    const seedRow = (path: string, star: number | null, tags = ['seeded'], flag: Flag = null) => ({ path, tags, notes: `seed ${star}`, star, flag });

    it('[LS16] seeds become version-1 rows where none exists, with no event and no clock tick', async () => {
      const store = await make();
      await one(store, labelsWrite('/labeled.jpg', 1, 2));
      await one(store, { path: '/measured.jpg', expected_version: null, metrics: { m: 1 }, updated_at: AT, updated_by: 'worker' });
      const head = await store.currentEventId();
      const { inserted } = await store.seedDefaults(
        [seedRow('/a.jpg', 5), seedRow('/labeled.jpg', 1), seedRow('/measured.jpg', 1), seedRow('/b.jpg', null, []), seedRow('/a.jpg', 1)],
        STAMP,
      );
      expect(inserted).toEqual(['/a.jpg', '/b.jpg']);
      expect(await store.get('/a.jpg')).toEqual({
        path: '/a.jpg', tags: ['seeded'], notes: 'seed 5', star: 5, flag: null, metrics: {}, version: 1, updated_at: AT, updated_by: 'table',
      });
      expect(await store.get('/labeled.jpg')).toMatchObject({ star: 2, tags: ['a'], version: 2, updated_by: 'alice' });
      expect(await store.get('/measured.jpg')).toMatchObject({ star: null, tags: [], metrics: { m: 1 }, version: 2 });
      expect(await store.currentEventId()).toBe(head);
      expect((await store.changesSince(head, 10)).events).toEqual([]);
      expect(await store.history('/a.jpg', 10)).toEqual([]);
      const again = await store.seedDefaults([seedRow('/a.jpg', 1, ['other']), seedRow('/b.jpg', 3)], STAMP);
      expect(again.inserted).toEqual([]);
      expect(await store.get('/a.jpg')).toMatchObject({ star: 5, tags: ['seeded'], version: 1 });
      expect(await store.seedDefaults([], STAMP)).toEqual({ inserted: [] });
      const exported: string[] = [];
      for await (const s of store.exportUnder('/')) exported.push(`${s.path}@${s.version}`);
      expect(exported).toEqual(['/a.jpg@1', '/b.jpg@1', '/labeled.jpg@2', '/measured.jpg@2']);
    });

    it('[LS16] a write to a seeded item starts from the seeded state at version 1', async () => {
      const store = await make();
      await store.seedDefaults([seedRow('/a.jpg', 4, ['x', 'y'])], STAMP);
      expect((await one(store, labelsWrite('/a.jpg', 2, 1))).status).toBe('conflict');
      const r = await one(store, { path: '/a.jpg', expected_version: 1, patch: { add_tags: ['z'] }, updated_at: AT, updated_by: 'bob' });
      expect(r.status === 'applied' && r.sidecar).toEqual({
        path: '/a.jpg', tags: ['x', 'y', 'z'], notes: 'seed 4', star: 4, flag: null, metrics: {}, version: 2, updated_at: AT, updated_by: 'bob',
      });
      expect(r.status === 'applied' && r.event.changes).toEqual({ tags: { added: ['z'], removed: [] } });
      const { events } = await store.changesSince(0, 10);
      expect(events.map((e) => [e.path, e.data.version])).toEqual([['/a.jpg', 2]]);
    });

    if (hooks.reopen) {
      const reopen = hooks.reopen;
      it('[LS16] seeded rows survive reopen, and seeding again changes nothing', async () => {
        const store = await make();
        await store.seedDefaults([seedRow('/a.jpg', 3), seedRow('/b.jpg', 2)], STAMP);
        await one(store, { path: '/b.jpg', expected_version: 1, patch: { set_star: 5 }, updated_at: AT, updated_by: 'bob' });
        const head = await store.currentEventId();
        const again = await reopen(store);
        open.push(again);
        expect(await again.get('/a.jpg')).toMatchObject({ star: 3, version: 1, updated_by: 'table' });
        expect((await again.seedDefaults([seedRow('/a.jpg', 1), seedRow('/b.jpg', 1)], STAMP)).inserted).toEqual([]);
        expect(await again.get('/b.jpg')).toMatchObject({ star: 5, tags: ['seeded'], version: 2, updated_by: 'bob' });
        expect(await again.currentEventId()).toBe(head);
      });
    }
  });

  describe('moves', () => {
    const MOVED = { updated_at: '2026-02-01T00:00:00.000Z', updated_by: 'watcher' };
    async function exported(store: LabelStore): Promise<string[]> {
      const paths: string[] = [];
      for await (const s of store.exportUnder('/')) paths.push(s.path);
      return paths;
    }

    it('[LS20] a move carries labels and metrics to the new path at version + 1', async () => {
      const store = await make();
      await one(store, { path: '/a.jpg', expected_version: 1, labels: { tags: ['x'], notes: 'n', star: 3 }, updated_at: AT, updated_by: 'ann' });
      await one(store, { path: '/a.jpg', expected_version: null, metrics: { m: 0.5 }, updated_at: AT, updated_by: 'bot' });
      const [r] = await store.move([{ from: '/a.jpg', to: '/sub/b.jpg' }], MOVED);
      expect(r).toMatchObject({ status: 'moved', sidecar: { path: '/sub/b.jpg', version: 4 } });
      expect(await store.get('/sub/b.jpg')).toEqual({
        path: '/sub/b.jpg', tags: ['x'], notes: 'n', star: 3, flag: null, metrics: { m: 0.5 }, version: 4, ...MOVED,
      });
      expect(await store.get('/a.jpg')).toEqual({
        path: '/a.jpg', tags: [], notes: '', star: null, flag: null, metrics: {}, version: 1, updated_at: null, updated_by: null,
      });
      expect(await exported(store)).toEqual(['/sub/b.jpg']);
      // The moved row is an ordinary row: a write at its new version applies.
      expect((await one(store, labelsWrite('/sub/b.jpg', 4, 1))).status).toBe('applied');
    });

    it('[LS21] unlabeled and taken moves are skipped and change nothing; a call is one permutation', async () => {
      const store = await make();
      await one(store, labelsWrite('/a.jpg', 1, 1));
      await one(store, labelsWrite('/b.jpg', 1, 2));
      await one(store, labelsWrite('/c.jpg', 1, 3));
      const head = await store.currentEventId();
      const skipped = await store.move([{ from: '/none.jpg', to: '/x.jpg' }, { from: '/a.jpg', to: '/c.jpg' }], MOVED);
      expect(skipped).toEqual([{ status: 'skipped', reason: 'unlabeled' }, { status: 'skipped', reason: 'taken' }]);
      expect(await store.currentEventId()).toBe(head);
      expect(await store.get('/a.jpg')).toMatchObject({ star: 1, version: 2 });
      expect(await store.get('/c.jpg')).toMatchObject({ star: 3, version: 2 });
      // Swap: both rows are out before either target is checked.
      const swap = await store.move([{ from: '/a.jpg', to: '/b.jpg' }, { from: '/b.jpg', to: '/a.jpg' }], MOVED);
      expect(swap.map((r) => r.status)).toEqual(['moved', 'moved']);
      expect(await store.get('/a.jpg')).toMatchObject({ star: 2, version: 3 });
      expect(await store.get('/b.jpg')).toMatchObject({ star: 1, version: 3 });
      // A chain whose last step is taken: that `from` stays, so the step into it is taken too.
      const chain = await store.move([{ from: '/a.jpg', to: '/b.jpg' }, { from: '/b.jpg', to: '/c.jpg' }], MOVED);
      expect(chain).toEqual([{ status: 'skipped', reason: 'taken' }, { status: 'skipped', reason: 'taken' }]);
      // Two moves to one free path: the first wins.
      const both = await store.move([{ from: '/a.jpg', to: '/d.jpg' }, { from: '/b.jpg', to: '/d.jpg' }], MOVED);
      expect(both.map((r) => (r.status === 'skipped' ? r.reason : r.status))).toEqual(['moved', 'taken']);
      expect(await store.get('/d.jpg')).toMatchObject({ star: 2 });
      expect(await store.get('/b.jpg')).toMatchObject({ star: 1, version: 3 });
      expect(await exported(store)).toEqual(['/b.jpg', '/c.jpg', '/d.jpg']);
    });

    it('[LS22] each applied move appends one item-moved event that changesSince replays', async () => {
      const store = await make();
      await one(store, { path: '/a.jpg', expected_version: 1, labels: { tags: ['t'], notes: 'n', star: 4 }, updated_at: AT, updated_by: 'ann' });
      const head = await store.currentEventId();
      const results = await store.move([{ from: '/a.jpg', to: '/z.jpg' }, { from: '/none.jpg', to: '/y.jpg' }], MOVED);
      const r = results[0]!;
      if (r.status !== 'moved') throw new Error('expected a move');
      expect(r.event).toEqual({
        id: head + 1,
        type: 'item-moved',
        path: '/z.jpg',
        data: { from: '/a.jpg', to: '/z.jpg', version: 3, tags: ['t'], notes: 'n', star: 4, flag: null, metrics: {}, ...MOVED },
        changes: { moved: { from: '/a.jpg', to: '/z.jpg' } },
      });
      expect(await store.currentEventId()).toBe(head + 1);
      expect((await store.changesSince(head, 10)).events).toEqual([r.event]);
      const next = await one(store, labelsWrite('/z.jpg', 3, 1));
      expect(next.status === 'applied' && next.event.id).toBe(head + 2);
    });

    it('[LS23] history follows moves back through their chain; the old path keeps only its later events', async () => {
      const store = await make();
      await one(store, labelsWrite('/a.jpg', 1, 1, 'ann'));
      await one(store, labelsWrite('/a.jpg', 2, 2, 'ben'));
      await store.move([{ from: '/a.jpg', to: '/b.jpg' }], MOVED);
      await one(store, labelsWrite('/b.jpg', 4, 3, 'cat'));
      await store.move([{ from: '/b.jpg', to: '/c.jpg' }], MOVED);
      await one(store, labelsWrite('/a.jpg', 1, 5, 'dan')); // a new file at the old path
      const h = await store.history('/c.jpg', 10);
      expect(h.map((e) => [e.type, e.data.updated_by, e.data.version])).toEqual([
        ['item-moved', 'watcher', 6], ['item-updated', 'cat', 5], ['item-moved', 'watcher', 4],
        ['item-updated', 'ben', 3], ['item-updated', 'ann', 2],
      ]);
      expect(h[0]!.changes).toEqual({ moved: { from: '/b.jpg', to: '/c.jpg' } });
      expect((await store.history('/c.jpg', 3)).map((e) => e.data.version)).toEqual([6, 5, 4]);
      expect((await store.history('/a.jpg', 10)).map((e) => e.data.updated_by)).toEqual(['dan']);
      expect(await store.history('/b.jpg', 10)).toEqual([]);
      // A swap: each path's history is the other's past, whatever the order of the events in the call.
      const s2 = await make();
      await one(s2, labelsWrite('/p.jpg', 1, 1, 'pam'));
      await one(s2, labelsWrite('/q.jpg', 1, 2, 'quin'));
      await s2.move([{ from: '/q.jpg', to: '/p.jpg' }, { from: '/p.jpg', to: '/q.jpg' }], MOVED);
      expect((await s2.history('/p.jpg', 10)).map((e) => [e.type, e.data.updated_by])).toEqual([['item-moved', 'watcher'], ['item-updated', 'quin']]);
      expect((await s2.history('/q.jpg', 10)).map((e) => [e.type, e.data.updated_by])).toEqual([['item-moved', 'watcher'], ['item-updated', 'pam']]);
    });

    if (hooks.reopen) {
      const reopen = hooks.reopen;
      it('[LS24] a move records no idempotency key and survives close and reopen', async () => {
        const store = await make();
        await one(store, labelsWrite('/a.jpg', 1, 1));
        await store.move([{ from: '/a.jpg', to: '/b.jpg' }], MOVED);
        const history = await store.history('/b.jpg', 10);
        const again = await reopen(store);
        open.push(again);
        expect(await again.get('/b.jpg')).toMatchObject({ star: 1, version: 3, ...MOVED });
        expect(await again.get('/a.jpg')).toMatchObject({ version: 1, updated_at: null });
        expect(await again.history('/b.jpg', 10)).toEqual(history);
        expect(history).toHaveLength(2);
        expect(await again.pruneIdempotency(T0 + 10 * 60 * 60 * 1000)).toBe(0);
      });
    } else {
      it('[LS24] a move records no idempotency key', async () => {
        const store = await make();
        await one(store, labelsWrite('/a.jpg', 1, 1));
        await store.move([{ from: '/a.jpg', to: '/b.jpg' }], MOVED);
        expect(await store.pruneIdempotency(T0 + 10 * 60 * 60 * 1000)).toBe(0);
      });
    }
  });

  describe('idempotency', () => {
    it('[LS12] a key records its outcome with the writes; reuse replays without applying', async () => {
      const store = await make();
      const [first] = await store.commit([keyed('k1', 'f1', labelsWrite('/a.jpg', 1, 4))], T0);
      expect(first).toMatchObject({ kind: 'committed', outcome: { kind: 'batch', results: [{ kind: 'applied', path: '/a.jpg', item: { version: 2 } }] } });
      const recorded = first?.kind === 'committed' ? first.outcome : undefined;
      const [again, sameCommit] = await store.commit(
        [keyed('k1', 'other', labelsWrite('/a.jpg', 2, 1)), keyed('k2', 'f2', labelsWrite('/a.jpg', 2, 5)), keyed('k2', 'f2', labelsWrite('/a.jpg', 3, 1))].slice(0, 2),
        T0 + 1,
      );
      expect(again).toEqual({ kind: 'replayed', record: { key: 'k1', fingerprint: 'f1', outcome: recorded, created_at_ms: T0 } });
      expect(sameCommit?.kind).toBe('committed');
      const [dup] = await store.commit([keyed('k2', 'f2', labelsWrite('/a.jpg', 3, 1))], T0 + 2);
      expect(dup?.kind).toBe('replayed');
      expect((await store.get('/a.jpg'))).toMatchObject({ star: 5, version: 3 });
      expect(await store.getIdempotency('k1', T0 + 3)).toMatchObject({ fingerprint: 'f1' });
      expect(await store.getIdempotency('nope', T0)).toBeUndefined();
      const [inOne, secondInOne] = await store.commit([keyed('k3', 'f', labelsWrite('/c.jpg', 1, 1)), keyed('k3', 'f', labelsWrite('/c.jpg', 2, 2))], T0);
      expect([inOne?.kind, secondInOne?.kind]).toEqual(['committed', 'replayed']);
    });

    it('[LS13] expired records are not returned and their key can be used again', async () => {
      const store = await make({ idempotencyTtlMs: 1000 });
      await store.commit([keyed('k', 'f', labelsWrite('/a.jpg', 1, 1))], T0);
      expect(await store.getIdempotency('k', T0 + 999)).toBeDefined();
      expect(await store.getIdempotency('k', T0 + 1000)).toBeUndefined();
      const [o] = await store.commit([keyed('k', 'g', labelsWrite('/a.jpg', 2, 2))], T0 + 1000);
      expect(o?.kind).toBe('committed');
      expect((await store.getIdempotency('k', T0 + 1001))?.fingerprint).toBe('g');
      expect(await store.pruneIdempotency(T0 + 5000)).toBe(1);
      expect(await store.getIdempotency('k', T0 + 1001)).toBeUndefined();
    });

    it('[LS14] at most idempotencyMaxEntries records are kept, oldest dropped first', async () => {
      const store = await make({ idempotencyMaxEntries: 3 });
      for (let i = 0; i < 5; i++) await store.commit([keyed(`k${i}`, 'f', labelsWrite(`/p${i}.jpg`, 1, 1))], T0 + i);
      const live = [];
      for (let i = 0; i < 5; i++) live.push((await store.getIdempotency(`k${i}`, T0 + 10)) !== undefined);
      expect(live).toEqual([false, false, true, true, true]);
    });
  });

  if (hooks.reopen) {
    const reopen = hooks.reopen;
    describe('durability', () => {
      it('[LS15] labels, events, ids, compaction and idempotency survive close and reopen', async () => {
        const options = { eventRetention: 3 };
        const store = await make(options);
        await store.commit([keyed('k', 'f', labelsWrite('/a.jpg', 1, 4))], T0);
        for (let i = 0; i < 6; i++) await one(store, labelsWrite(`/p${i}.jpg`, 1, 1));
        const head = await store.currentEventId();
        const history = await store.history('/p5.jpg', 5);
        const again = await reopen(store, options);
        open.push(again);
        expect(await again.get('/a.jpg')).toMatchObject({ star: 4, version: 2, updated_by: 'alice', updated_at: AT });
        expect(await again.currentEventId()).toBe(head);
        expect(await again.history('/p5.jpg', 5)).toEqual(history);
        expect((await again.changesSince(0, 10)).reset).toBe(true);
        expect((await again.changesSince(head - 1, 10)).events.map((e) => e.id)).toEqual([head]);
        expect((await again.getIdempotency('k', T0 + 1))?.fingerprint).toBe('f');
        const r = await one(again, labelsWrite('/a.jpg', 2, 5));
        expect(r.status === 'applied' && r.event.id).toBe(head + 1);
      });
    });
  }
}
