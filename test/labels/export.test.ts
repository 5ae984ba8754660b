import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runExportCommand, runImportCommand } from '../../src/server/labels/label-cli.js';
import { parseCsv, parseExport } from '../../src/server/labels/label-export.js';
import type { LabelPatch } from '../../src/server/labels/label-store.js';
import { SqliteLabelStore } from '../../src/server/labels/sqlite-label-store.js';
import { EXPORT_CSV_COLUMNS, exportJsonSchema } from '../../src/protocol/export.js';
import { expectWire } from '../support/wire.js';
import { appliedItem, manualClock, startLabelServer, type LabelServer } from './support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: LabelServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

let seq = 0;
async function labeled(s: LabelServer, path: string, patch: LabelPatch, user = 'ann') {
  appliedItem(await s.system.service.patchItem(path, patch, 1, { key: `e${++seq}`, actor: user }));
}

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('GET /export', () => {
  it('[LX1] exports labeled items under a folder with real values, as JSON and CSV', async () => {
    const clock = manualClock();
    const s = await startLabelServer({ listen: false, now: clock.now, dbPath: join(dir, 'route.sqlite') });
    servers.push(s);
    await labeled(s, '/animals/cat.jpg', { set_tags: ['cute', 'pet'], set_notes: 'golden, "hour"\nline 2', set_star: 4 }, 'ann');
    await labeled(s, '/animals/dog.jpg', { set_star: 2 }, 'ben');
    await labeled(s, '/animals-2/x.jpg', { set_star: 1 });
    await s.app.inject({ method: 'PUT', url: '/metrics', headers: { 'x-lenslet-user': 'worker' }, payload: { items: [{ path: '/animals/dog.jpg', metrics: { blur: 0.03 } }] } });

    const json = await s.app.inject({ method: 'GET', url: '/export?format=json&path=/animals' });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toContain('application/json');
    expectWire(exportJsonSchema, json.json());
    expect(json.json()).toEqual([
      { path: '/animals/cat.jpg', tags: ['cute', 'pet'], notes: 'golden, "hour"\nline 2', star: 4, flag: null, metrics: {}, version: 2, updated_at: '2026-01-23T19:22:05.000Z', updated_by: 'ann' },
      { path: '/animals/dog.jpg', tags: [], notes: '', star: 2, flag: null, metrics: { blur: 0.03 }, version: 3, updated_at: '2026-01-23T19:22:05.000Z', updated_by: 'worker' },
    ]);

    const csv = await s.app.inject({ method: 'GET', url: '/export?format=csv&path=/animals' });
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parseCsv(csv.body);
    expect(rows[0]).toEqual(['path', 'tags', 'notes', 'star', 'flag', 'metrics', 'version', 'updated_at', 'updated_by', 'missing', 'assignee']);
    expect(rows[0]).toEqual([...EXPORT_CSV_COLUMNS, 'missing', 'assignee']);
    expect(rows[1]).toEqual(['/animals/cat.jpg', '["cute","pet"]', 'golden, "hour"\nline 2', '4', '', '{}', '2', '2026-01-23T19:22:05.000Z', 'ann', '', '']);
    expect(parseExport(csv.body, 'csv')).toEqual(json.json());

    const all = await s.app.inject({ method: 'GET', url: '/export' });
    expect(expectWire(exportJsonSchema, all.json())).toHaveLength(3);
  });

  it('with all=1 includes unlabeled images from the gallery, and rejects bad parameters', async () => {
    const s = await startLabelServer({ listen: false, listItemPaths: () => ['/b.jpg', '/a.jpg'] });
    servers.push(s);
    await labeled(s, '/b.jpg', { set_star: 3 });
    const res = await s.app.inject({ method: 'GET', url: '/export?all=1' });
    expect(res.json().map((r: { path: string; version: number }) => [r.path, r.version])).toEqual([['/a.jpg', 1], ['/b.jpg', 2]]);
    expect((await s.app.inject({ method: 'GET', url: '/export?format=xml' })).json().error.code).toBe('invalid_parameter');
    expect((await s.app.inject({ method: 'GET', url: '/export?path=/../x' })).json().error.code).toBe('invalid_path');
    expect((await s.app.inject({ method: 'GET', url: '/export?all=maybe' })).statusCode).toBe(400);
  });

  it('streams a large export', async () => {
    const s = await startLabelServer({ listen: false, dbPath: join(dir, 'large.sqlite') });
    servers.push(s);
    const items = Array.from({ length: 3000 }, (_, i) => ({ path: `/big/${String(i).padStart(5, '0')}.jpg`, base_version: 1, patch: { set_star: i % 6 } }));
    await s.system.service.patchItems(items, { key: 'bulk', actor: 'web' });
    const res = await s.app.inject({ method: 'GET', url: '/export?format=csv' });
    expect(res.body.trim().split('\r\n')).toHaveLength(3001);
  });
});

describe('orphaned labels (issue 16)', () => {
  it('[LX1] GET /export marks labels whose item is gone with missing: true (JSON) and a missing column (CSV)', async () => {
    const s = await startLabelServer({ listen: false });
    servers.push(s);
    await labeled(s, '/here.jpg', { set_star: 2 });
    await labeled(s, '/gone.jpg', { set_star: 5 });
    let present = new Set(['/here.jpg', '/gone.jpg']);
    // The file vanishes after it was labeled: its labels stay, as an orphan.
    const gone = await startLabelServer({ listen: false, store: s.system.store, itemExists: (p) => present.has(p) });
    present = new Set(['/here.jpg']);
    const json = expectWire(exportJsonSchema, (await gone.app.inject({ method: 'GET', url: '/export' })).json());
    expect(json.map((r) => [r.path, r.missing])).toEqual([['/gone.jpg', true], ['/here.jpg', undefined]]);
    expect(json[0]).toMatchObject({ star: 5, version: 2 });
    const csv = parseCsv((await gone.app.inject({ method: 'GET', url: '/export?format=csv' })).body);
    expect(csv.map((r) => [r[0], r[9]])).toEqual([['path', 'missing'], ['/gone.jpg', 'true'], ['/here.jpg', '']]);
    await gone.app.close();
  });

  it('[LX1] lenslet export marks files gone from the folder; import takes missing rows as usual, with or without the column', async () => {
    const folder = join(dir, 'orphans');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'sub', 'here.jpg'), 'x');
    const workspace = join(dir, 'orphans-ws');
    mkdirSync(workspace);
    const s = await startLabelServer({ listen: false, dbPath: join(workspace, 'labels.sqlite') });
    await labeled(s, '/sub/here.jpg', { set_star: 1 });
    await labeled(s, '/sub/gone.jpg', { set_star: 3, set_tags: ['t'] });
    await s.close();
    const io = capture();
    const jsonFile = join(dir, 'orphans.json');
    const csvFile = join(dir, 'orphans.csv');
    expect(await runExportCommand([folder, '--workspace', workspace, '--out', jsonFile], { stdout: io.stream, stderr: io.stream })).toBe(0);
    expect(await runExportCommand([folder, '--workspace', workspace, '--out', csvFile], { stdout: io.stream, stderr: io.stream })).toBe(0);
    const rows = expectWire(exportJsonSchema, JSON.parse(readFileSync(jsonFile, 'utf8')));
    expect(rows.map((r) => [r.path, r.missing])).toEqual([['/sub/gone.jpg', true], ['/sub/here.jpg', undefined]]);
    expect(parseCsv(readFileSync(csvFile, 'utf8')).map((r) => r[9])).toEqual(['missing', 'true', '']);
    // --db alone names no folder: nothing can be checked, so nothing is marked.
    const bare = capture();
    expect(await runExportCommand(['--db', join(workspace, 'labels.sqlite')], { stdout: bare.stream, stderr: bare.stream })).toBe(0);
    expect(JSON.parse(bare.text()).filter((r: { missing?: true }) => r.missing)).toEqual([]);

    for (const file of [jsonFile, csvFile]) {
      const target = join(dir, `orphans-import-${extname(file).slice(1)}.sqlite`);
      expect(await runImportCommand(['--db', target, '--file', file], { stdout: io.stream, stderr: io.stream })).toBe(0);
      const store = new SqliteLabelStore(target);
      expect(await store.get('/sub/gone.jpg')).toMatchObject({ star: 3, tags: ['t'], version: 2 });
      await store.close();
    }
    // A CSV from before the columns existed (missing, assignee) still imports.
    const oldCsv = join(dir, 'old.csv');
    const oldText = readFileSync(csvFile, 'utf8').split('\r\n').map((line) => line.replace(/,(true|missing)?,(assignee)?$/, '')).join('\r\n');
    expect(oldText.split('\r\n')[0]).toBe(EXPORT_CSV_COLUMNS.join(','));
    writeFileSync(oldCsv, oldText);
    const target = join(dir, 'orphans-old.sqlite');
    expect(await runImportCommand(['--db', target, '--file', oldCsv], { stdout: io.stream, stderr: io.stream })).toBe(0);
    const store = new SqliteLabelStore(target);
    expect(await store.get('/sub/gone.jpg')).toMatchObject({ star: 3, version: 2 });
    await store.close();
  });
});

describe('lenslet export / import', () => {
  it('[LX1] exports a workspace from the CLI and imports it into another, keeping values and versions', async () => {
    const folder = join(dir, 'photos');
    const workspace = join(dir, 'ws');
    mkdirSync(workspace);
    const s = await startLabelServer({ listen: false, dbPath: join(workspace, 'labels.sqlite') });
    await labeled(s, '/a.jpg', { set_tags: ['x'], set_notes: 'note, with comma', set_star: 5 }, 'ann');
    appliedItem(await s.system.service.patchItem('/a.jpg', { set_star: 4 }, 2, { key: 'second', actor: 'ben' }));
    await labeled(s, '/sub/b.jpg', { set_star: 1 });
    await s.close();

    const out = capture();
    expect(await runExportCommand([folder, '--workspace', workspace, '--format', 'json'], { stdout: out.stream, stderr: out.stream })).toBe(0);
    const exported = JSON.parse(out.text());
    expect(exported.map((r: { path: string; version: number; updated_by: string }) => [r.path, r.version, r.updated_by])).toEqual([['/a.jpg', 3, 'ben'], ['/sub/b.jpg', 2, 'ann']]);

    const csvFile = join(dir, 'labels.csv');
    expect(await runExportCommand([folder, '--workspace', workspace, '--out', csvFile, '--path', '/sub'], { stdout: out.stream, stderr: out.stream })).toBe(0);
    expect(readFileSync(csvFile, 'utf8').split('\r\n')[1]).toMatch(/^\/sub\/b\.jpg,/);

    const jsonFile = join(dir, 'labels.json');
    writeFileSync(jsonFile, out.text());
    const target = join(dir, 'other.sqlite');
    const log = capture();
    expect(await runImportCommand(['--db', target, '--file', jsonFile], { stdout: log.stream, stderr: log.stream })).toBe(0);
    expect(log.text()).toContain('imported 2 items');
    const store = new SqliteLabelStore(target);
    expect(await store.get('/a.jpg')).toEqual(exported[0]);
    expect((await store.changesSince(0, 10)).events).toHaveLength(2);
    await store.close();

    // Importing the CSV into the same database again: versions move past the exported ones.
    expect(await runImportCommand(['--db', target, '--file', csvFile], { stdout: log.stream, stderr: log.stream })).toBe(0);
    const again = new SqliteLabelStore(target);
    expect(await again.get('/sub/b.jpg')).toMatchObject({ star: 1, version: 3, updated_by: 'ann' });
    await again.close();
  });

  it('[LX1] fails clearly, changing nothing, on a bad file or arguments', async () => {
    const err = capture();
    const io = { stdout: err.stream, stderr: err.stream };
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ path: '/ok.jpg', star: 1 }, { path: '/x.jpg', star: 9 }]));
    const target = join(dir, 'untouched.sqlite');
    expect(await runImportCommand(['--db', target, '--file', bad], io)).toBe(1);
    expect(err.text()).toContain('record 2: star');
    expect(await runImportCommand(['--db', target], io)).toBe(1);
    expect(err.text()).toContain('--file is required');
    expect(await runExportCommand([join(dir, 'nowhere')], io)).toBe(1);
    expect(err.text()).toContain('no labels database');
    expect(await runExportCommand(['--db', target, '--format', 'xml'], io)).toBe(1);
    expect(await runExportCommand(['--bogus'], io)).toBe(1);
    const help = capture();
    expect(await runImportCommand(['--help'], { stdout: help.stream, stderr: help.stream })).toBe(0);
    expect(help.text()).toContain('Usage: lenslet import');
  });
});
