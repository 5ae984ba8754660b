import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenRole } from '../../protocol/auth.js';
import type { View } from '../../protocol/views.js';
import { localPrincipal, type Principal } from '../accounts/principal.js';
import { audienceOf, mergeVisible, type OwnedView } from './view-access.js';
import { type ViewsUpdated, ViewsStore } from './views-store.js';

const user = (name: string, role: TokenRole = 'labeler'): Principal => ({ kind: 'user', name, role, userId: 1, sessionId: 's', tokenId: null });
const ann = user('ann');
const bob = user('bob');
const boss = user('boss', 'admin');
const vic = user('vic', 'viewer');

const sent = (id: string, extra: Partial<View> = {}): View => ({ id, name: id, path: '/', recursive: true, filters: [], ...extra });
const owned = (id: string, owner: string | null, shared: boolean): OwnedView => ({ ...sent(id), owner, shared });
const ids = (doc: { views: View[] }) => doc.views.map((v) => v.id);

let keys = 0;
/** A store with shared `s1`, `s2` (boss's) and a private view for ann and for bob, written in order. */
async function seeded() {
  const events: ViewsUpdated[] = [];
  const store = await ViewsStore.open({ file: null, publish: (e) => events.push(e) });
  const put = (by: Principal, views: View[], base = store.get(by).version) =>
    store.put({ views, base, key: `k${++keys}`, fingerprint: `f${keys}`, by });
  await put(boss, [sent('s1', { shared: true }), sent('s2', { shared: true })]);
  await put(ann, [sent('s1'), sent('a1'), sent('s2')]);
  await put(bob, [sent('s1'), sent('s2'), sent('b1')]);
  events.length = 0;
  return { store, events, put };
}

describe('smart-folder ownership (SPEC.md VO*)', () => {
  it('VO1: each caller sees the shared views and its own private ones, in GET and in a 409', async () => {
    const { store, put } = await seeded();
    expect(ids(store.get(ann))).toEqual(['s1', 'a1', 's2']);
    expect(ids(store.get(bob))).toEqual(['s1', 's2', 'b1']);
    expect(ids(store.get(boss))).toEqual(['s1', 's2']);
    const stale = await put(bob, [], 1);
    expect(stale.outcome).toMatchObject({ kind: 'conflict', current: { version: 4 } });
    expect(stale.outcome.kind === 'conflict' && ids(stale.outcome.current)).toEqual(['s1', 's2', 'b1']);
  });

  it('VO2: the server stamps the owner; a new view is shared only when an admin makes it', async () => {
    const { store, put } = await seeded();
    const forged = await put(ann, [...store.get(ann).views, sent('a2', { owner: 'boss' })]);
    expect(forged.outcome.kind === 'applied' && forged.outcome.doc.views.at(-1)).toMatchObject({ id: 'a2', owner: 'ann', shared: false });
    expect(store.get(boss).views.map((v) => [v.id, v.owner, v.shared])).toEqual([
      ['s1', 'boss', true],
      ['s2', 'boss', true],
    ]);
    // An existing view sent without the flag keeps it.
    const renamed = await put(ann, store.get(ann).views.map(({ shared: _, owner: __, ...v }) => (v.id === 'a1' ? { ...v, name: 'mine' } : v)));
    expect(renamed.outcome.kind === 'applied' && renamed.outcome.doc.views.find((v) => v.id === 'a1')).toMatchObject({ name: 'mine', owner: 'ann', shared: false });
    const local = localPrincipal('local');
    const open = await ViewsStore.open({ file: null });
    await open.put({ views: [sent('x')], base: 1, key: 'k', fingerprint: 'f', by: local });
    expect(open.get(local).views[0]).toMatchObject({ owner: 'local', shared: true });
  });

  it('VO3: a non-admin cannot create, change, delete, reorder or share a shared view; a viewer changes nothing', async () => {
    const { store, put } = await seeded();
    const mine = store.get(ann).views;
    const attempts: View[][] = [
      [...mine, sent('new', { shared: true })],
      mine.map((v) => (v.id === 's1' ? { ...v, name: 'renamed' } : v)),
      mine.filter((v) => v.id !== 's2'),
      [mine[2]!, mine[1]!, mine[0]!],
      mine.map((v) => (v.id === 'a1' ? { ...v, shared: true } : v)),
    ];
    for (const views of attempts) await expect(put(ann, views)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(put(vic, [...store.get(vic).views, sent('v1')])).rejects.toMatchObject({ code: 'forbidden' });
    expect(store.get(boss).version).toBe(4); // nothing was written
    // Moving one's own private view among the shared ones is fine.
    expect((await put(ann, [mine[1]!, mine[0]!, mine[2]!])).outcome.kind).toBe('applied');
    expect((await put(boss, store.get(boss).views.map((v) => ({ ...v, name: `${v.name}!` })))).outcome.kind).toBe('applied');
  });

  it('VO4: a view with the id of someone else’s private view is refused; so is an id listed twice', async () => {
    const { store, put } = await seeded();
    await expect(put(ann, [...store.get(ann).views, sent('b1')])).rejects.toMatchObject({ code: 'forbidden' });
    await expect(put(boss, [...store.get(boss).views, sent('b1', { shared: true })])).rejects.toMatchObject({ code: 'forbidden' });
    await expect(put(ann, [...store.get(ann).views, sent('a1')])).rejects.toMatchObject({ code: 'invalid_body' });
    expect(ids(store.get(bob))).toEqual(['s1', 's2', 'b1']);
  });

  it('VO5: a write keeps every view the writer does not see, after the shared view it followed', async () => {
    const { store, put } = await seeded();
    await put(boss, [sent('s0', { shared: true }), ...store.get(boss).views]);
    expect(ids(store.get(ann))).toEqual(['s0', 's1', 'a1', 's2']);
    expect(ids(store.get(bob))).toEqual(['s0', 's1', 's2', 'b1']);
    await put(boss, store.get(boss).views.filter((v) => v.id !== 's2'));
    expect(ids(store.get(bob))).toEqual(['s0', 's1', 'b1']); // b1 followed s2: now it follows s1
    await expect(put(ann, [])).rejects.toMatchObject({ code: 'forbidden' }); // the shared ones are not hers
    await put(ann, store.get(ann).views.filter((v) => v.id !== 'a1'));
    expect(ids(store.get(boss))).toEqual(['s0', 's1']);
    expect(ids(store.get(bob))).toEqual(['s0', 's1', 'b1']);
  });

  it('VO6: a views file from before accounts loads, every view shared and without an owner', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-')), 'views.json');
    writeFileSync(file, JSON.stringify({ version: 7, views: [sent('old')] }));
    const store = await ViewsStore.open({ file });
    expect(store.get(bob)).toEqual({ version: 7, views: [{ ...sent('old'), owner: null, shared: true }] });
    await expect(store.put({ views: [sent('old', { name: 'x' })], base: 7, key: 'k', fingerprint: 'f', by: bob })).rejects.toMatchObject({ code: 'forbidden' });
    await store.put({ views: [sent('old', { name: 'x' })], base: 7, key: 'k2', fingerprint: 'f2', by: boss });
    expect(JSON.parse(readFileSync(file, 'utf8')).views).toEqual([{ ...sent('old', { name: 'x' }), owner: null, shared: true }]);
  });

  it('VO7: views-updated goes to everyone for a shared change, else to the writer and owners who changed', async () => {
    const { store, events, put } = await seeded();
    await put(ann, store.get(ann).views.map((v) => (v.id === 'a1' ? { ...v, name: 'renamed' } : v)));
    const privateChange = events.at(-1)!;
    expect(privateChange.data.version).toBe(5);
    expect([ann, bob, boss].map((p) => privateChange.audience?.(p))).toEqual([true, false, false]);
    await put(boss, store.get(boss).views.map((v) => (v.id === 's1' ? { ...v, name: 'S1' } : v)));
    expect(events.at(-1)!.audience).toBeUndefined();
    await put(boss, store.get(boss).views.map((v) => (v.id === 's2' ? { ...v, shared: false } : v)));
    expect(events.at(-1)!.audience).toBeUndefined(); // s2 left everybody's list
    const before: OwnedView[] = [owned('s', null, true), owned('x', 'ann', false), owned('y', 'bob', false)];
    const after = [before[0]!, { ...before[1]!, name: 'X' }, { ...before[2]!, name: 'Y' }];
    const audience = audienceOf(before, after, boss)!;
    expect([ann, bob, boss, vic].map(audience)).toEqual([true, true, true, false]);
  });

  it('VO8: a retry is answered as its caller saw it; another caller’s key is refused', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-')), 'views.json');
    const first = await ViewsStore.open({ file });
    await first.put({ views: [sent('s', { shared: true })], base: 1, key: 'k1', fingerprint: 'f1', by: boss });
    const write = { views: [sent('s'), sent('a')], base: 2, key: 'k2', fingerprint: 'f2', by: ann };
    const applied = await first.put(write);
    await first.put({ views: [sent('s'), sent('b')], base: 3, key: 'k3', fingerprint: 'f3', by: bob });
    const reopened = await ViewsStore.open({ file });
    const again = await reopened.put(write);
    expect(again).toEqual({ outcome: applied.outcome, replayed: true });
    expect(again.outcome.kind === 'applied' && ids(again.outcome.doc)).toEqual(['s', 'a']);
    await expect(reopened.put({ ...write, by: bob })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('VO8: a record from before accounts replays for its caller, filtered', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-')), 'views.json');
    const views = [owned('s', null, true), owned('b', 'bob', false)];
    const records = [{ key: 'old', fingerprint: 'f', created_at_ms: Date.now(), outcome: { kind: 'applied', version: 3 } }];
    writeFileSync(file, JSON.stringify({ version: 3, views, idempotency: { records, documents: {} } }));
    const store = await ViewsStore.open({ file });
    const replayed = await store.put({ views: [], base: 2, key: 'old', fingerprint: 'f', by: ann });
    expect(replayed).toEqual({ replayed: true, outcome: { kind: 'applied', doc: { version: 3, views: [views[0]] } } });
  });

  it('VO10: a token named like a person sees neither that person\'s private views nor lends them its own', async () => {
    const { store, put } = await seeded();
    const annToken: Principal = { kind: 'token', name: 'ann', role: 'labeler', userId: null, sessionId: null, tokenId: 't1' };
    expect(ids(store.get(annToken))).toEqual(['s1', 's2']);
    const stolen = await put(annToken, [sent('s1'), sent('a1'), sent('s2')]).catch((e: unknown) => e);
    expect(stolen).toMatchObject({ code: 'forbidden' });
    await put(annToken, [sent('s1'), sent('s2'), sent('t1')]);
    expect(ids(store.get(annToken))).toEqual(['s1', 's2', 't1']);
    expect(ids(store.get(ann))).toEqual(['s1', 'a1', 's2']);
  });

  it('VO9: an admin who makes a shared view private becomes its owner', () => {
    const stored = [owned('s', null, true), owned('t', 'boss', true)];
    const admin2 = user('eve', 'admin');
    const next = mergeVisible(stored, [{ ...stored[0]!, shared: false }, { ...stored[1]!, shared: false }], admin2);
    expect(next.map((v) => [v.id, v.owner, v.shared])).toEqual([
      ['s', 'eve', false],
      ['t', 'eve', false],
    ]);
  });
});
