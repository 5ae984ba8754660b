import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetChange } from '../../src/server/datasets/dataset-source.js';
import { encodeImage } from '../factories/image-tree.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';

/**
 * A running server whose folder changes under it (SPEC.md DS20–DS27): listings, counts and search
 * follow within 2 s, with no POST /refresh. The app wires `watch` itself once issue 16 lands; until
 * then (and harmlessly after: a second `watch` returns the first one's status) the test starts it.
 */
const WITHIN_MS = 2000;

let t: TestServer;
let jpg: Buffer;
const changes: DatasetChange[] = [];

beforeAll(async () => {
  t = await startTestServer({ 'cats/tabby.jpg': { w: 8, h: 8 }, 'cats/old/siamese.jpg': { w: 8, h: 8 }, 'dogs/rex.png': { w: 8, h: 8 } });
  jpg = await encodeImage('jpg', { w: 6, h: 4 });
  t.server.source.onChange?.((change) => changes.push(change));
  expect(await t.server.source.watch!({ log: () => {} })).toEqual({ kind: 'watching' });
});
afterAll(() => t.close());

const listing = async (path: string) => (await t.json(`/folders?path=${encodeURIComponent(path)}&recursive=1`)).body;
const listed = async (path: string) => ((await listing(path)).items as { path: string }[]).map((i) => i.path).sort();

/** Polls `read` until `check` passes; fails after 2 s. */
async function within<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() - started > WITHIN_MS) throw new Error(`not within ${WITHIN_MS} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a watched folder under a running server', () => {
  it('[DS21] a new file is listed, counted and found by search within 2 s', async () => {
    writeFileSync(join(t.dir, 'cats', 'new.jpg'), jpg);
    await within(() => listed('/cats'), (paths) => paths.includes('/cats/new.jpg'));
    const body = await listing('/');
    expect(body.dirs.find((d: { name: string }) => d.name === 'cats')?.count).toBe(3);
    const found = (await t.json('/search?q=new.jpg')).body;
    expect(found.items.map((i: { path: string }) => i.path)).toEqual(['/cats/new.jpg']);
    expect(found.items[0]).toMatchObject({ w: 6, h: 4 });
  });

  it('[DS22] a deleted file disappears within 2 s; a rewritten one is served with its new bytes', async () => {
    rmSync(join(t.dir, 'dogs', 'rex.png'));
    await within(() => listed('/'), (paths) => !paths.includes('/dogs/rex.png'));
    const bigger = await encodeImage('jpg', { w: 20, h: 10 });
    writeFileSync(join(t.dir, 'cats', 'tabby.jpg'), bigger);
    const item = await within(
      async () => ((await listing('/cats')).items as { path: string; w: number; size: number }[]).find((i) => i.path === '/cats/tabby.jpg'),
      (found) => found?.w === 20,
    );
    expect(item?.size).toBe(bigger.length);
    const served = await t.get('/file?path=/cats/tabby.jpg');
    expect(Buffer.from(await served.arrayBuffer()).equals(bigger)).toBe(true);
  });

  it('[DS24] a renamed folder moves its items and keeps its subfolders live, reported as one change', async () => {
    const before = changes.length;
    renameSync(join(t.dir, 'cats'), join(t.dir, 'felines'));
    const paths = await within(() => listed('/'), (p) => p.includes('/felines/old/siamese.jpg'));
    expect(paths.some((p) => p.startsWith('/cats/'))).toBe(false);
    expect(changes.slice(before)).toHaveLength(1);
    expect(changes[before]?.removed).toContain('/cats/old/siamese.jpg');
    expect(changes[before]?.added).toContain('/felines/old/siamese.jpg');
    mkdirSync(join(t.dir, 'felines', 'old', 'older'));
    writeFileSync(join(t.dir, 'felines', 'old', 'older', 'x.jpg'), jpg);
    await within(() => listed('/felines'), (p) => p.includes('/felines/old/older/x.jpg'));
  });
});
