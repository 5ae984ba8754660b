import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localPrincipal } from '../accounts/principal.js';
import type { OwnedView } from './view-access.js';
import { MAX_REMEMBERED_DOC_BYTES, parseViewsRecords, serializeViews } from './views-file.js';
import { ViewsStore } from './views-store.js';

const local = localPrincipal('local');
const view = (id: string): OwnedView => ({ id, name: id.toUpperCase(), path: '/', recursive: true, filters: [], owner: 'local', shared: true });

describe('ViewsStore', () => {
  it('starts empty at version 1, persists each accepted write and reloads it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-'));
    const file = path.join(dir, 'views.json');
    const events: number[] = [];
    const store = await ViewsStore.open({ file, publish: (e) => events.push(e.data.version) });
    expect(store.get(local)).toEqual({ version: 1, views: [] });
    const ok = await store.put({ views: [view('a')], base: 1, key: 'k1', fingerprint: 'f1', by: local });
    expect(ok).toMatchObject({ replayed: false, outcome: { kind: 'applied', doc: { version: 2 } } });
    expect(events).toEqual([2]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 2, views: [view('a')] });
    expect(readdirSync(dir)).toEqual(['views.json']); // no temp file left behind
    const reopened = await ViewsStore.open({ file });
    expect(reopened.get(local).version).toBe(2);
  });

  it('refuses a stale base with the current document, and serializes concurrent writes', async () => {
    const store = await ViewsStore.open({ file: null });
    const [first, second] = await Promise.all([
      store.put({ views: [view('a')], base: 1, key: 'k1', fingerprint: 'f1', by: local }),
      store.put({ views: [view('b')], base: 1, key: 'k2', fingerprint: 'f2', by: local }),
    ]);
    expect(first.outcome.kind).toBe('applied');
    expect(second.outcome).toEqual({ kind: 'conflict', base_version: 1, current: { version: 2, views: [view('a')] } });
    expect(store.get(local).views.map((v) => v.id)).toEqual(['a']); // never last-write-wins
  });

  it('replays an idempotent retry, refuses the key for another request, and forgets keys after the TTL', async () => {
    let now = 0;
    const store = await ViewsStore.open({ file: null, now: () => now, idempotencyTtlMs: 1000 });
    const write = { views: [view('a')], base: 1, key: 'k', fingerprint: 'f', by: local };
    await store.put(write);
    const again = await store.put(write);
    expect(again).toMatchObject({ replayed: true, outcome: { kind: 'applied', doc: { version: 2 } } });
    await expect(store.put({ ...write, fingerprint: 'other', by: local })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    now = 5000;
    const fresh = await store.put({ ...write, fingerprint: 'other', by: local });
    expect(fresh).toMatchObject({ replayed: false, outcome: { kind: 'conflict', base_version: 1, current: { version: 2 } } });
  });

  it('answers a retry after a reopen from the file, conflicts included, and refuses the key for another request', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-'));
    const file = path.join(dir, 'views.json');
    const first = await ViewsStore.open({ file });
    const applied = await first.put({ views: [view('a')], base: 1, key: 'k1', fingerprint: 'f1', by: local });
    await first.put({ views: [view('b')], base: 2, key: 'k2', fingerprint: 'f2', by: local });
    const stale = await first.put({ views: [view('c')], base: 1, key: 'k3', fingerprint: 'f3', by: local });
    const reopened = await ViewsStore.open({ file });
    expect(await reopened.put({ views: [view('a')], base: 1, key: 'k1', fingerprint: 'f1', by: local })).toEqual({ outcome: applied.outcome, replayed: true });
    expect(await reopened.put({ views: [view('c')], base: 1, key: 'k3', fingerprint: 'f3', by: local })).toEqual({ outcome: stale.outcome, replayed: true });
    await expect(reopened.put({ views: [], base: 3, key: 'k1', fingerprint: 'other', by: local })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect(reopened.get(local)).toEqual({ version: 3, views: [view('b')] });
  });

  it('keeps older documents for replays within a byte cap, dropping the oldest records first', () => {
    // Each document is about 600 KB: a thousand views with 500-character names.
    const big = (id: string): OwnedView[] => Array.from({ length: 1000 }, (_, i) => ({ ...view(`${id}${i}`), name: id.repeat(500) }));
    const records = Array.from({ length: 12 }, (_, i) => ({
      key: `k${i}`,
      fingerprint: 'f',
      created_at_ms: i,
      outcome: { kind: 'applied' as const, doc: { version: i + 2, views: big(String.fromCharCode(97 + i)) }, by: 'local' },
    }));
    const current = records[11]!.outcome.doc;
    const { text, kept } = serializeViews(current, records);
    const fit = Math.floor(MAX_REMEMBERED_DOC_BYTES / JSON.stringify(current.views).length);
    expect(fit).toBeLessThan(11);
    // The newest records stay; the current document costs nothing, being in the file anyway.
    expect(kept.map((r) => r.key)).toEqual(records.slice(11 - fit).map((r) => r.key));
    expect(parseViewsRecords(JSON.parse(text), current)).toEqual(kept);
    expect(parseViewsRecords({ version: 5, views: [] }, current)).toEqual([]); // an older file has none
  });

  it('sets a file that is not a views document aside instead of overwriting it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-'));
    const file = path.join(dir, 'views.json');
    const old = '{"version":1,"views":[{"id":"x","pool":{"kind":"folder","path":"/"}}]}';
    writeFileSync(file, old);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const store = await ViewsStore.open({ file });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(store.get(local)).toEqual({ version: 1, views: [] });
    const aside = readdirSync(dir).find((f) => f.startsWith('views.json.unreadable-'))!;
    expect(readFileSync(path.join(dir, aside), 'utf8')).toBe(old);
    expect(warnings.join()).toMatch(/kept as/);
  });

  it('adopts the older views.json of ours once, and leaves a Python Lenslet views.json exactly as it was', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-'));
    const file = path.join(dir, 'smart-folders.json');
    const legacyFile = path.join(dir, 'views.json');
    writeFileSync(legacyFile, JSON.stringify({ version: 3, views: [{ id: 'a', name: 'A' }] }));
    const adopted = await ViewsStore.open({ file, legacyFile });
    expect(adopted.get(local).views.map((v) => v.id)).toEqual(['a']);
    expect(adopted.get(local).version).toBe(3);

    const python = '{"version":1,"views":[{"id":"x","name":"X","pool":{"kind":"folder","path":"/"},"view":{}}]}';
    writeFileSync(legacyFile, python);
    const before = statSync(legacyFile).mtimeMs;
    const fresh = await ViewsStore.open({ file, legacyFile });
    expect(fresh.get(local)).toEqual({ version: 1, views: [] });
    expect(readFileSync(legacyFile, 'utf8')).toBe(python);
    expect(statSync(legacyFile).mtimeMs).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['views.json']); // nothing set aside, nothing written yet
  });
});
