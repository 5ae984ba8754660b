import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { writeParquet } from './parquet-fixtures.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const ENTRY = path.join(ROOT, 'src/server/cli-entry.ts');

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    const start = Date.now();
    for (;;) {
      const m = out.match(pattern);
      if (m) return m;
      if (Date.now() - start > 15_000) throw new Error(`no ${pattern} in: ${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, exit, waitFor, output: () => out };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-tcli-'));
  mkdirSync(path.join(dir, 'data'));
  const columns = [
    { name: 'file', type: 'STRING' as const, data: ['a/1.jpg', 'a/2.jpg', 'b/3.jpg'] },
    { name: 'score', type: 'DOUBLE' as const, data: [0.1, 0.2, null] },
  ];
  writeParquet(path.join(dir, 't.parquet'), columns, { codec: 'ZSTD' });
  writeParquet(path.join(dir, 'data', 'items.parquet'), columns);
});

describe('lenslet <table>', () => {
  it('serves a .parquet file in table mode and stops cleanly', async () => {
    const run = runCli([path.join(dir, 't.parquet'), '--port', '0', '--source-column', 'file']);
    const [, url] = await run.waitFor(/Lenslet: (http:\/\/\S+)/);
    // The table is read after the server answers; /health says when it is in.
    await vi.waitFor(
      async () => {
        const health = (await (await fetch(`${url}/health`)).json()) as { mode: string; name: string; indexing: { state: string } };
        expect(health).toMatchObject({ mode: 'table', name: 't', indexing: { state: 'done' } });
      },
      { timeout: 10_000, interval: 20 },
    );
    const query = (await (await fetch(`${url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sort: { key: 'metric:score', order: 'desc' } }) })).json()) as { items: { path: string }[] };
    expect(query.items.map((i) => i.path)).toEqual(['/a/2.jpg', '/a/1.jpg', '/b/3.jpg']);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('serves a folder holding items.parquet with state in <folder>/.lenslet', async () => {
    const run = runCli([path.join(dir, 'data'), '--port', '0']);
    const [, url] = await run.waitFor(/Lenslet: (http:\/\/\S+)/);
    const put = await fetch(`${url}/views`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': '1', 'idempotency-key': 'k' },
      body: JSON.stringify({ views: [{ id: 'all', name: 'All' }] }),
    });
    expect(put.status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(existsSync(path.join(dir, 'data', '.lenslet', 'smart-folders.json'))).toBe(true);
    expect(readdirSync(path.join(dir, 'data')).sort()).toEqual(['.lenslet', 'items.parquet']);
  });

  it('explains a wrong --source-column and a missing table in one line', async () => {
    const wrong = runCli([path.join(dir, 't.parquet'), '--port', '0', '--source-column', 'nope']);
    expect(await wrong.exit).toBe(1);
    // Found once the server listens (TB10): the same one line, after the URL.
    expect(wrong.output()).toMatch(/^lenslet: source column "nope" is not in the table/m);
    expect(wrong.output()).not.toMatch(/\n\s+at /);
    const base = runCli([path.join(dir, 't.parquet'), '--port', '0', '--base-dir', path.join(dir, 'nope')]);
    expect(await base.exit).toBe(1);
    expect(base.output()).toMatch(/^lenslet: base dir is not a folder/);
    const missing = runCli([path.join(dir, 'none.parquet'), '--port', '0']);
    expect(await missing.exit).toBe(1);
    expect(missing.output()).toMatch(/^lenslet: table not found/);
  });

  it('[TB10] listens before reading the table: a file that is not Parquet is one line after the URL, and exit 1', async () => {
    const bad = path.join(dir, 'bad.parquet');
    writeFileSync(bad, 'not parquet at all');
    const run = runCli([bad, '--port', '0', '--no-write']);
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/Lenslet: http:\/\/127\.0\.0\.1:\d+\n/);
    expect(run.output()).toMatch(/^lenslet: not a readable Parquet file: .*bad\.parquet /m);
    expect(run.output()).not.toMatch(/\n\s+at /);
  });
});
