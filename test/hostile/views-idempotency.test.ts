import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';

/** Issue 9: smart-folder idempotency keys lived in memory only. */

const views = (id: string) => [{ id, name: id, path: '/', recursive: true, filters: [] }];

describe('PUT /views idempotency across a restart', () => {
  let dir: string;
  let server: RunningServer | undefined;
  const start = async () => {
    server = await startServer({ root: dir, port: 0, webDir: null });
    return server;
  };
  const put = (s: RunningServer, key: string, version: number, body: unknown) =>
    fetch(`${s.url}/views`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, 'if-match': `"${version}"` },
      body: JSON.stringify({ views: body }),
    });

  beforeEach(async () => {
    dir = await makeImageTree(makeTempDir('lenslet-views-'), { 'a.jpg': { w: 4, h: 4 } });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    removeDir(dir);
  });

  it('a retry after a restart gets the recorded answer, not 409', async () => {
    const first = await put(await start(), 'client:1', 1, views('a'));
    expect(first.status).toBe(200);
    const answer = await first.json();
    await server!.close();

    const retry = await put(await start(), 'client:1', 1, views('a'));
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await retry.json()).toEqual(answer);
    expect((await (await fetch(`${server!.url}/views`)).json()).version).toBe(2);
  });

  it('a recorded conflict is replayed after a restart too', async () => {
    let s = await start();
    expect((await put(s, 'client:1', 1, views('a'))).status).toBe(200);
    const stale = await put(s, 'client:2', 1, views('b'));
    expect(stale.status).toBe(409);
    const answer = await stale.json();
    await s.close();
    s = await start();
    expect((await put(s, 'client:3', 2, views('c'))).status).toBe(200); // the views move on meanwhile
    const retry = await put(s, 'client:2', 1, views('b'));
    expect(retry.status).toBe(409);
    expect(await retry.json()).toEqual(answer);
  });

  it('the same key with another body answers 422, before and after a restart', async () => {
    let s = await start();
    expect((await put(s, 'client:1', 1, views('a'))).status).toBe(200);
    const reused = await put(s, 'client:1', 2, views('other'));
    expect(reused.status).toBe(422);
    expect((await reused.json()).error.code).toBe('idempotency_key_reused');
    await s.close();
    s = await start();
    const after = await put(s, 'client:1', 2, views('other'));
    expect(after.status).toBe(422);
    expect((await after.json()).error.code).toBe('idempotency_key_reused');
  });
});
