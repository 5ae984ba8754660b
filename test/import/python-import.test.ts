import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pythonImportOffer } from '../../src/server/labels/python-import/python-import-offer.js';
import { SqliteLabelStore } from '../../src/server/labels/sqlite-label-store.js';
import { startServer } from '../../src/server/index.js';
import { viewsDocumentSchema } from '../../src/protocol/views.js';
import { historyResponseSchema } from '../../src/protocol/history.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { fingerprint, runCli, writePythonFiles } from './python-fixture.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

async function pythonFolder() {
  const dir = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 120, h: 90 }, 'sub/b.png': { w: 20, h: 20 }, 'd.jpg': { w: 10, h: 10 } });
  const ws = makeTempDir('lenslet-ws-');
  dirs.push(dir, ws);
  const files = { snapshot: join(dir, '.lenslet/labels.snapshot.json'), log: join(dir, '.lenslet/labels.log.jsonl'), views: join(dir, '.lenslet/views.json') };
  writePythonFiles(files);
  return { dir, ws, files, old: [files.snapshot, files.log, files.views] };
}

async function withStore<T>(db: string, fn: (store: SqliteLabelStore) => Promise<T>): Promise<T> {
  const store = new SqliteLabelStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('lenslet import --from-python (folder)', () => {
  it('PI1 PI2 PI3 PI4 imports the snapshot, then the newer log records, each under its own author and time', async () => {
    const { dir, ws, old } = await pythonFolder();
    const before = fingerprint(old);
    const run = await runCli(['import', dir, '--from-python', '--workspace', ws]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('items (snapshot): 2');
    expect(run.out).toContain('log records: 2');
    expect(run.out).toContain('smart folders: 2');
    expect(run.out).toContain('log records older than the snapshot or the item: 2');
    expect(run.out).toContain('malformed: 3'); // /c.jpg's item, "not json at all", the torn last line
    expect(run.out).toContain('bad paths: 1');
    expect(fingerprint(old)).toEqual(before);

    await withStore(join(ws, 'labels.sqlite'), async (store) => {
      const a = await store.get('/a.jpg');
      expect(a).toMatchObject({ star: 5, tags: ['cat', 'best'], notes: 'first', version: 4, updated_by: 'carol', updated_at: '2026-01-21T08:00:00+00:00' });
      // The log record carried no metrics: the snapshot's stay.
      expect(a.metrics).toEqual({ score: 0.5 });
      expect(await store.get('/sub/b.png')).toMatchObject({ star: 2, version: 2, updated_by: 'bob' });
      expect(await store.get('/d.jpg')).toMatchObject({ star: 1, tags: ['dog'], version: 2, updated_by: 'dave' });
      const history = await store.history('/a.jpg', 10);
      expect(history.map((e) => [e.data.updated_by, e.data.updated_at, e.data.version])).toEqual([
        ['carol', '2026-01-21T08:00:00+00:00', 4],
        ['alice', '2026-01-20T10:00:00+00:00', 3],
      ]);
    });
  });

  it('PI3 history over HTTP shows one entry per imported record with its author', async () => {
    const { dir, ws } = await pythonFolder();
    expect((await runCli(['import', dir, '--from-python', '--workspace', ws])).code).toBe(0);
    const server = await startServer({ root: dir, port: 0, webDir: null, workspaceDir: ws, watch: false });
    try {
      const response = await fetch(`${server.url}/item/history?path=${encodeURIComponent('/a.jpg')}`);
      expect(response.status).toBe(200);
      const body = historyResponseSchema.parse(await response.json());
      expect(body.entries.map((e) => e.updated_by)).toEqual(['carol', 'alice']);
    } finally {
      await server.close();
    }
  });

  it('PI5 a second run imports nothing new; a later Python edit is picked up alone', async () => {
    const { dir, ws, files } = await pythonFolder();
    expect((await runCli(['import', dir, '--from-python', '--workspace', ws])).code).toBe(0);
    const viewsBefore = readFileSync(join(ws, 'smart-folders.json'), 'utf8');
    const again = await runCli(['import', dir, '--from-python', '--workspace', ws]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('items (snapshot): 0');
    expect(again.out).toContain('log records: 0');
    expect(again.out).toContain('smart folders: 0');
    expect(again.out).toContain('already imported: 6'); // 4 label records, 2 smart folders
    expect(readFileSync(join(ws, 'smart-folders.json'), 'utf8')).toBe(viewsBefore);
    await withStore(join(ws, 'labels.sqlite'), async (store) => {
      expect((await store.get('/a.jpg')).version).toBe(4);
      expect(await store.history('/a.jpg', 10)).toHaveLength(2);
    });

    // The Python Lenslet kept being used: its next append (after the torn line, as it would) is new.
    const next = JSON.stringify({ id: 8, type: 'item-updated', path: '/a.jpg', version: 5, tags: ['cat'], notes: 'later', star: 3, updated_at: '2026-01-22T08:00:00+00:00', updated_by: 'erin' });
    writeFileSync(files.log, `${readFileSync(files.log, 'utf8')}\n${next}\n`);
    const third = await runCli(['import', dir, '--from-python', '--workspace', ws]);
    expect(third.out).toContain('log records: 1');
    await withStore(join(ws, 'labels.sqlite'), async (store) => {
      expect(await store.get('/a.jpg')).toMatchObject({ version: 5, notes: 'later', updated_by: 'erin' });
      expect(await store.history('/a.jpg', 10)).toHaveLength(3);
    });
  });

  it('PI5 an edit made here after the import is not overwritten by importing again', async () => {
    const { dir, ws } = await pythonFolder();
    expect((await runCli(['import', dir, '--from-python', '--workspace', ws])).code).toBe(0);
    await withStore(join(ws, 'labels.sqlite'), (store) =>
      store.commit([{ writes: [{ path: '/a.jpg', expected_version: 4, patch: { set_star: 1 }, updated_at: '2026-02-01T00:00:00Z', updated_by: 'zoe' }] }], Date.now()),
    );
    const again = await runCli(['import', dir, '--from-python', '--workspace', ws]);
    expect(again.out).toContain('log records: 0');
    await withStore(join(ws, 'labels.sqlite'), async (store) => {
      expect(await store.get('/a.jpg')).toMatchObject({ star: 1, version: 5, updated_by: 'zoe' });
    });
  });

  it('PI5 without marks (an import stopped before writing them), the stored state still says what is in', async () => {
    const { dir, ws } = await pythonFolder();
    expect((await runCli(['import', dir, '--from-python', '--workspace', ws])).code).toBe(0);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(ws, 'labels.sqlite'));
    db.exec('DELETE FROM python_import_marks');
    db.close();
    const again = await runCli(['import', dir, '--from-python', '--workspace', ws]);
    expect(again.out).toContain('items (snapshot): 0');
    expect(again.out).toContain('log records: 0');
    await withStore(join(ws, 'labels.sqlite'), async (store) => expect(await store.history('/a.jpg', 10)).toHaveLength(2));
  });

  it('PI6 smart folders become shared views; what has no equivalent is listed one line each', async () => {
    const { dir, ws } = await pythonFolder();
    const run = await runCli(['import', dir, '--from-python', '--workspace', ws]);
    const doc = viewsDocumentSchema.parse(JSON.parse(readFileSync(join(ws, 'smart-folders.json'), 'utf8')));
    expect(doc.views).toEqual([
      {
        id: 'best',
        name: 'Best',
        path: '/sub',
        recursive: true,
        filters: [
          { stars: [4, 5] },
          { width: { gte: 100 } },
          { metric: 'score', min: 0.2, max: 0.9 },
          // Python's `to` took the whole day; ours is exclusive.
          { added: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' } },
        ],
        sort: { key: 'metric:score', order: 'desc' },
        metric: 'score',
        owner: null,
        shared: true,
      },
      { id: 'named', name: 'Named', path: '/', recursive: true, filters: [{ text: 'cat' }, { stars: [1, 2, 3, 4, 5] }], owner: null, shared: true },
    ]);
    const notes = run.out.slice(run.out.indexOf('No equivalent here:')).split('\n').slice(1).filter(Boolean);
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/"Best" \(best\): filter urlContains .* no equivalent/);
    expect(notes[1]).toMatch(/"Named" \(named\): filter nameContains "cat" became a text filter/);
    expect(notes[2]).toMatch(/"Named" \(named\): sort .*derived.* no equivalent/);
  });

  it('PI6 PI1 in the default workspace the Python views.json is only read: ours go to smart-folders.json', async () => {
    const { dir, files, old } = await pythonFolder();
    const before = fingerprint(old);
    const run = await runCli(['import', dir, '--from-python']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('log records: 2');
    expect(run.out).toContain('smart folders: 2');
    expect(fingerprint(old)).toEqual(before);
    expect(existsSync(join(dir, '.lenslet/labels.sqlite'))).toBe(true);
    const doc = viewsDocumentSchema.parse(JSON.parse(readFileSync(join(dir, '.lenslet/smart-folders.json'), 'utf8')));
    expect(doc.views.map((v) => v.id)).toEqual(['best', 'named']);

    // A copy an earlier version of this Lenslet set aside (it used to keep its views in views.json) is read too.
    const ws = makeTempDir('lenslet-ws-');
    dirs.push(ws);
    renameSync(files.views, `${files.views}.unreadable-1700000000000`);
    const second = await runCli(['import', dir, '--from-python', '--workspace', ws]);
    expect(second.out).toContain('smart folders: 2');
  });

  it('PI1 a folder without Python files is an error, not an empty import', async () => {
    const dir = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 10, h: 10 } });
    dirs.push(dir);
    const run = await runCli(['import', dir, '--from-python']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('no Python Lenslet labels or smart folders');
    expect(existsSync(join(dir, '.lenslet'))).toBe(false);
  });
});

describe('lenslet import --from-python (table file)', () => {
  it('PI1 reads the files beside t.parquet and keeps labels in t.parquet.cache', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const table = join(dir, 't.parquet');
    writeFileSync(table, 'PAR1'); // only its name and existence matter to the import
    const files = { snapshot: `${table}.lenslet.labels.snapshot.json`, log: `${table}.lenslet.labels.log.jsonl`, views: `${table}.lenslet.json` };
    writePythonFiles(files);
    const before = fingerprint([files.snapshot, files.log, files.views, table]);
    const run = await runCli(['import', table, '--from-python']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('items (snapshot): 2');
    expect(run.out).toContain('log records: 2');
    // Ours go to t.parquet.cache/smart-folders.json: the Python t.parquet.lenslet.json is only read.
    expect(run.out).toContain('smart folders: 2');
    expect(fingerprint([files.snapshot, files.log, files.views, table])).toEqual(before);
    await withStore(`${table}.cache/labels.sqlite`, async (store) => {
      expect(await store.get('/a.jpg')).toMatchObject({ star: 5, version: 4, updated_by: 'carol' });
    });

    const ws = makeTempDir('lenslet-ws-');
    dirs.push(ws);
    const elsewhere = await runCli(['import', table, '--from-python', '--workspace', ws]);
    expect(elsewhere.out).toContain('smart folders: 2');
    const again = await runCli(['import', table, '--from-python']);
    expect(again.out).toContain('smart folders: 0'); // already there
    expect(fingerprint([files.snapshot, files.log, files.views, table])).toEqual(before);
  });
});

describe('startup offer', () => {
  it('PI7 one line when Python files exist and nothing was written here; none after the import', async () => {
    const { dir, ws } = await pythonFolder();
    const serve = () => startServer({ root: dir, port: 0, webDir: null, workspaceDir: ws, watch: false });
    let server = await serve();
    try {
      const offer = await pythonImportOffer(dir, server.workspace, server.services.labels?.store ?? null);
      expect(offer).toBe(`Labels from the Python Lenslet found: run \`lenslet import ${dir} --from-python --workspace ${ws}\` to bring them over.`);
    } finally {
      await server.close();
    }
    expect((await runCli(['import', dir, '--from-python', '--workspace', ws])).code).toBe(0);
    server = await serve();
    try {
      expect(await pythonImportOffer(dir, server.workspace, server.services.labels?.store ?? null)).toBeNull();
    } finally {
      await server.close();
    }
    const plain = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 10, h: 10 } });
    dirs.push(plain);
    server = await startServer({ root: plain, port: 0, webDir: null, watch: false });
    try {
      expect(await pythonImportOffer(plain, server.workspace, server.services.labels?.store ?? null)).toBeNull();
    } finally {
      await server.close();
    }
  });
});
