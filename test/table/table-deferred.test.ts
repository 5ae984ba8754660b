import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeferredTableSource } from '../../src/server/datasets/deferred-table-source.js';
import { ParquetSource, TableOpenError } from '../../src/server/datasets/parquet-source.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { resolveWorkspace } from '../../src/server/workspace.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { writeParquet } from './parquet-fixtures.js';

/** Issue 15: the CLI's table is opened after the server listens (datasets/SPEC.md TB10). */
describe('a table opened after listening', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function gated(open: (catalog: ParquetSource['catalog']) => Promise<ParquetSource>) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const opening = async (catalog: ParquetSource['catalog']) => {
      await gate;
      return open(catalog);
    };
    return { release, open: opening };
  }

  async function serve(source: DeferredTableSource, file: string): Promise<RunningServer> {
    const workspace = resolveWorkspace({ kind: 'table-file', path: file }, { noWrite: true });
    const server = await startServer({ root: file, dataset: { source, workspace }, port: 0, webDir: null, watch: false, rateLimits: false, log: () => {} });
    cleanup.push(() => server.close());
    return server;
  }

  const health = async (server: RunningServer) => (await (await fetch(`${server.url}/health`)).json()) as { mode: string; name: string; items: number; indexing: { state: string; done: number; total: number } };

  it('[TB10] /health answers "running", 0 of 0, while the table opens; then the table fills the same catalog, with its id column', async () => {
    const dir = makeTempDir('lenslet-table-deferred-');
    cleanup.push(() => removeDir(dir));
    for (const name of ['a.png', 'b.png']) writeFileSync(path.join(dir, name), `bytes of ${name}`);
    const file = path.join(dir, 't.parquet');
    writeParquet(file, [
      { name: 'image', type: 'STRING', data: ['a.png', 'b.png'] },
      { name: 'image_id', type: 'STRING', data: ['A', 'B'] },
    ]);
    const { release, open } = gated((catalog) => ParquetSource.open(file, { dimensionsFile: null, catalog }));
    const source = new DeferredTableSource('t', file, open);
    const server = await serve(source, file);

    expect(await health(server)).toMatchObject({ mode: 'table', name: 't', items: 0, indexing: { state: 'running', done: 0, total: 0 } });
    const lookup = source.lookup('/a.png');
    release();
    await source.whenPathsIn();
    expect(source.catalog.aliveCount).toBe(2);
    await source.whenIdle();
    // A table can't tell a path before its rows are read (DS17): asked while opening, undefined.
    expect(await lookup).toBeUndefined();
    expect(await source.lookup('/a.png')).toMatchObject({ kind: 'item' });
    expect(await health(server)).toMatchObject({ items: 2, indexing: { state: 'done', done: 2, total: 2 } });
    expect(server.services.source.catalog).toBe(source.catalog);
    expect([...(source.identities() ?? [])]).toEqual([
      ['/a.png', 'A'],
      ['/b.png', 'B'],
    ]);
    expect(source.loadReport().idColumn).toMatchObject({ name: 'image_id' });
  });

  it('[TB10] a table that cannot be opened: `opened` rejects with the one line, whenIdle settles, /health still answers, close resolves', async () => {
    const dir = makeTempDir('lenslet-table-deferred-');
    cleanup.push(() => removeDir(dir));
    const file = path.join(dir, 'bad.parquet');
    writeFileSync(file, 'not parquet at all');
    const source = new DeferredTableSource('bad', file, (catalog) => ParquetSource.open(file, { dimensionsFile: null, catalog }));
    const server = await serve(source, file);
    await expect(source.opened).rejects.toThrow(TableOpenError);
    await expect(source.opened).rejects.toThrow(/^not a readable Parquet file: /);
    await source.whenIdle();
    expect((await health(server)).indexing.state).toBe('running');
    expect(await source.lookup('/a.png')).toBeUndefined();
  });

  it('[TB10] closed before it was started, nothing is opened', async () => {
    let opens = 0;
    const source = new DeferredTableSource('t', '/nowhere/t.parquet', async () => {
      opens++;
      throw new Error('never');
    });
    await source.close();
    expect(opens).toBe(0);
  });
});
