import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { requestJson } from '../labels/support/http-json.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { runCli, startLenslet } from './support/lenslet-process.js';

let db: TestDatabase;
let dir: string;
let folder: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = makeTempDir('lenslet-store-cli-');
  folder = await makeImageTree(join(dir, 'photos'), { 'a.jpg': { w: 8, h: 8 } });
});
afterAll(async () => {
  await db.drop();
  removeDir(dir);
});

async function health(url: string) {
  const agent = new http.Agent();
  try {
    return (await requestJson(agent, url, 'GET', '/health')).body;
  } finally {
    agent.destroy();
  }
}

describe('lenslet --store', () => {
  it.each([
    [['--store', 'mysql://user@db/lenslet'], /^lenslet: --store must be a postgres:\/\/ URL/],
    [['--store', 'db.lan:5432'], /^lenslet: --store must be a postgres:\/\/ URL/],
    [['--dataset-id', 'x'], /^lenslet: --dataset-id needs --store/],
    [['--store', 'postgres://u@127.0.0.1/d', '--dataset-id', ''], /^lenslet: --dataset-id must not be empty/],
    [['--store', 'postgres://postgres:hunter2@127.0.0.1:1/nothing'], /^lenslet: cannot use the PostgreSQL store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/],
  ])('exits 1 with one line, no stack trace: %j', async (args, pattern) => {
    const run = runCli([folder, '--port', '0', '--workspace', join(dir, 'ws-bad'), ...args]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(pattern);
    expect(run.output().trim().split('\n')).toHaveLength(1);
    expect(run.output()).not.toContain('hunter2');
  });

  it('keeps labels in PostgreSQL under the folder name, and /health says so', async () => {
    const server = await startLenslet({ root: folder, store: db.url, datasetId: 'photos', workspace: join(dir, 'ws-1') });
    try {
      expect(server.output()).toMatch(/Store: PostgreSQL postgres:\/\/.*, dataset "photos"/);
      const labels = (await health(server.url)).labels;
      expect(labels).toMatchObject({ store: 'postgres', connection: 'connected' });
    } finally {
      await server.stop();
    }
  });

  it('takes LENSLET_STORE_URL, the flag wins over it, and the dataset id defaults to the folder name', async () => {
    // The environment names a database that does not exist: were it used, the server would not start.
    const env = { LENSLET_STORE_URL: 'postgres://postgres@127.0.0.1:1/nothing' };
    const run = runCli([folder, '--port', '0', '--no-watch', '--workspace', join(dir, 'ws-2'), '--store', db.url], env);
    try {
      await expect.poll(() => run.output(), { timeout: 15_000 }).toMatch(/Lenslet: http/);
      expect(run.output()).toMatch(/dataset "photos"/);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    const fromEnv = runCli([folder, '--port', '0', '--no-watch', '--workspace', join(dir, 'ws-3')], { LENSLET_STORE_URL: db.url });
    try {
      await expect.poll(() => fromEnv.output(), { timeout: 15_000 }).toMatch(/Store: PostgreSQL/);
    } finally {
      fromEnv.child.kill('SIGTERM');
      await fromEnv.exited;
    }
  });

  it('runs with --no-write: labels still go to PostgreSQL', async () => {
    const run = runCli([folder, '--port', '0', '--no-watch', '--no-write', '--store', db.url, '--dataset-id', 'nowrite']);
    try {
      await expect.poll(() => run.output(), { timeout: 15_000 }).toMatch(/Lenslet: http/);
      const url = /Lenslet: (http\S+)/.exec(run.output())![1]!;
      expect((await health(url)).labels).toMatchObject({ store: 'postgres' });
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
