import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImageTree, makeTempDir, removeDir } from './factories/image-tree.js';
import { writeParquet } from './table/parquet-fixtures.js';
import { WORKER_MIN_ROWS } from '../src/server/datasets/parquet-source.js';

// bin/lenslet.js runs the bundle (dist/server-bundle/, `npm run build`), whose worker threads are the
// per-file build's (dist/server/): a worker named relative to a bundled module would not exist.
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/lenslet.js');

async function serveUntilIndexed(args: string[]): Promise<{ items: number; state: string; query: { items: unknown[] } }> {
  const child = spawn(process.execPath, [BIN, ...args, '--port', '0', '--no-write'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /Lenslet: (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`exited: ${out}`)));
    });
    for (;;) {
      const health = (await (await fetch(`${url}/health`)).json()) as { items: number; indexing: { state: string } };
      if (health.indexing.state !== 'running') {
        const query = (await (await fetch(`${url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"limit":5}' })).json()) as { items: unknown[] };
        return { items: health.items, state: health.indexing.state, query };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

let dir: string;
beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/server-bundle/cli.js'))) throw new Error('no server bundle: run `npm run build` first');
  dir = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 8, h: 8 }, 'sub/b.png': { w: 8, h: 8 } });
  const rows = WORKER_MIN_ROWS;
  writeParquet(join(dir, 'big.parquet'), [
    { name: 'image', type: 'STRING', data: Array.from({ length: rows }, (_, i) => `r/${i}.jpg`) },
    { name: 'score', type: 'DOUBLE', data: Array.from({ length: rows }, (_, i) => i / rows) },
  ]);
});
afterAll(() => removeDir(dir));

describe('the built CLI (bin/lenslet.js)', () => {
  it('scans a folder on its scan worker', async () => {
    const served = await serveUntilIndexed([join(dir, 'sub')]);
    expect(served).toMatchObject({ items: 1, state: 'done' });
    expect(served.query.items).toHaveLength(1);
  });

  it('serves a table large enough to read its numbers on a worker', async () => {
    const served = await serveUntilIndexed([join(dir, 'big.parquet'), '--source-column', 'image']);
    expect(served).toMatchObject({ items: WORKER_MIN_ROWS, state: 'done' });
    expect(served.query.items).toHaveLength(5);
  });
});

describe('the launcher (bin/lenslet.js run as a program, as npx does)', () => {
  // Issue 13/15: glibc's huge pages for large allocations cut the first-touch page faults of a table's
  // columns and an embedding's vectors (25 % of the CPU of loading 1M × 512 vectors).
  async function environOf(env: NodeJS.ProcessEnv): Promise<string[]> {
    const child = spawn(BIN, [join(dir, 'sub'), '--port', '0', '--no-write'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      // Once the URL is printed the process is node (sh exec'd it), so /proc shows node's environment.
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (out.includes('Lenslet: http')) resolve();
        });
        void exited.then(() => reject(new Error(`exited: ${out}`)));
      });
      return readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }

  it.runIf(process.platform === 'linux')('runs node with glibc huge pages asked for, unless GLIBC_TUNABLES is already set', async () => {
    const { GLIBC_TUNABLES: _, ...env } = process.env;
    expect(await environOf(env)).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
    expect(await environOf({ ...env, GLIBC_TUNABLES: 'glibc.malloc.check=0' })).toContain('GLIBC_TUNABLES=glibc.malloc.check=0');
  });
});

describe('the server bundle', () => {
  // Issue 15: loaded from node_modules, fastify and its ~180 CommonJS files (semver alone 47) were
  // resolved, stat-ed and compiled one by one before the server listened.
  it('carries fastify inside it: no chunk imports it from node_modules', () => {
    const dir = join(ROOT, 'dist/server-bundle');
    const imports = readdirSync(dir)
      .filter((name) => name.endsWith('.js'))
      .flatMap((name) => [...readFileSync(join(dir, name), 'utf8').matchAll(/\bfrom\s*"(fastify[^"]*)"|\bimport\(\s*"(fastify[^"]*)"\s*\)/g)].map((m) => `${name}: ${m[1] ?? m[2]}`));
    expect(imports).toEqual([]);
  });
});
