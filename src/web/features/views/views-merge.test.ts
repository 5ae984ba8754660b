import { describe, expect, it } from 'vitest';
import type { View, ViewsDocument } from '../../../protocol/views.js';
import { saveViewEdit } from './views-api.js';
import { applyViewEdit, newViewId } from './views-merge.js';

const view = (id: string, name = id): View => ({ id, name, path: '/', recursive: false, filters: [] });

describe('smart folder edits', () => {
  it('adds, renames, unshares and deletes', () => {
    let list = applyViewEdit([], { type: 'add', view: view('a') });
    list = applyViewEdit(list, { type: 'add', view: view('b') });
    list = applyViewEdit(list, { type: 'update', id: 'a', changes: { name: 'Best' } });
    expect(list.map((v) => v.name)).toEqual(['Best', 'b']);
    expect(applyViewEdit(list, { type: 'delete', id: 'b' }).map((v) => v.id)).toEqual(['a']);
    expect(applyViewEdit(list, { type: 'update', id: 'b', changes: { shared: false } })[1]).toEqual({ ...view('b'), shared: false });
  });

  it('re-applied onto a list that changed meanwhile, keeps the other side\'s changes', () => {
    const theirs = [view('x'), view('a', 'Old')];
    expect(applyViewEdit(theirs, { type: 'add', view: view('mine') }).map((v) => v.id)).toEqual(['x', 'a', 'mine']);
    expect(applyViewEdit(theirs, { type: 'update', id: 'a', changes: { name: 'New' } })[1]!.name).toBe('New');
    // Someone else deleted it first: the rename or delete has nothing to do.
    expect(applyViewEdit([view('x')], { type: 'update', id: 'a', changes: { name: 'New' } })).toEqual([view('x')]);
    expect(applyViewEdit([view('x')], { type: 'delete', id: 'a' })).toEqual([view('x')]);
    // A replayed add replaces rather than duplicates.
    expect(applyViewEdit([view('mine', 'v1')], { type: 'add', view: view('mine', 'v2') })).toEqual([view('mine', 'v2')]);
  });

  it('makes readable, distinct ids', () => {
    expect(newViewId('Café Best ★ 2024', () => 0.5)).toMatch(/^cafe-best-2024-[0-9a-z]{6}$/);
    expect(newViewId('★★★', () => 0)).toBe('view-000000');
  });

  it('on 409, merges onto the current list and retries with If-Match of the new version', async () => {
    // A tiny fake server: version 3 on the server; the client believes version 2.
    let server: ViewsDocument = { version: 3, views: [view('theirs')] };
    const calls: Array<{ ifMatch: string; key: string; ids: string[] }> = [];
    const fetchFn = async (_url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      const body = JSON.parse(String(init.body)) as { views: View[] };
      calls.push({ ifMatch: headers['if-match']!, key: headers['idempotency-key']!, ids: body.views.map((v) => v.id) });
      if (headers['if-match'] !== `"${server.version}"`) {
        const details = { base_version: Number(headers['if-match']!.replaceAll('"', '')), current_version: server.version };
        return new Response(JSON.stringify({ error: { code: 'version_conflict', message: 'stale', details }, current: server }), { status: 409 });
      }
      server = { version: server.version + 1, views: body.views };
      return new Response(JSON.stringify(server), { status: 200 });
    };
    let n = 0;
    const doc = await saveViewEdit({ version: 2, views: [] }, { type: 'add', view: view('mine') }, () => `k${++n}`, fetchFn);
    expect(doc).toEqual({ version: 4, views: [view('theirs'), view('mine')] });
    expect(calls).toEqual([
      { ifMatch: '"2"', key: 'k1', ids: ['mine'] },
      { ifMatch: '"3"', key: 'k2', ids: ['theirs', 'mine'] },
    ]);
  });

  it('gives up after repeated conflicts rather than looping', async () => {
    let version = 10;
    const fetchFn = async () => {
      const details = { base_version: version, current_version: version + 1 };
      return new Response(JSON.stringify({ error: { code: 'version_conflict', message: 'stale', details }, current: { version: ++version, views: [] } }), { status: 409 });
    };
    await expect(saveViewEdit({ version: 1, views: [] }, { type: 'delete', id: 'a' }, () => 'k', fetchFn)).rejects.toMatchObject({ status: 409 });
  });

  it('reports other failures as ApiError', async () => {
    const fetchFn = async () => new Response(JSON.stringify({ error: { code: 'read_only', message: 'read-only workspace' } }), { status: 403 });
    await expect(saveViewEdit({ version: 1, views: [] }, { type: 'delete', id: 'a' }, () => 'k', fetchFn)).rejects.toMatchObject({ code: 'read_only' });
  });
});
