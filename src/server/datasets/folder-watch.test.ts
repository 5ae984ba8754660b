import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { subscribe as parcelSubscribe, type SubscribeCallback } from '@parcel/watcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeImage, makeImageTree, makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import type { DatasetChange } from './dataset-source.js';
import { FolderSource, type FolderSourceOptions } from './folder-source.js';
import type { Subscribe } from './fs-watcher.js';

/** The bound on noticing a change. */
const WITHIN_MS = 2000;

let dir: string;
let outside: string;
let source: FolderSource;
let changes: DatasetChange[];
let logged: string[];
let jpg: Buffer;

async function open(options: FolderSourceOptions = {}, rescanMs?: number): Promise<void> {
  source = await FolderSource.open(dir, { skipDirs: [join(dir, 'workspace')], ...options });
  source.onChange((change) => changes.push(change));
  source.start();
  await source.whenIdle();
  await source.watch({ log: (line) => logged.push(line), rescanMs });
}

/** Polls until a reported change satisfies `match`; fails after `ms`. Returns that change and how long it took. */
async function changeWhere(match: (change: DatasetChange) => boolean, ms = WITHIN_MS): Promise<{ change: DatasetChange; ms: number }> {
  const started = Date.now();
  for (;;) {
    const change = changes.find(match);
    if (change) return { change, ms: Date.now() - started };
    if (Date.now() - started > ms) throw new Error(`no matching change within ${ms} ms; saw ${JSON.stringify(changes)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sorted = (paths: string[]) => [...paths].sort();
const alive = (path: string) => source.catalog.idOf(path) !== undefined;

beforeEach(async () => {
  dir = makeTempDir('lenslet-watch-');
  outside = makeTempDir('lenslet-watch-outside-');
  await makeImageTree(dir, { 'a.jpg': { w: 40, h: 30 }, 'sub/b.png': { w: 30, h: 40 }, 'sub/deep/c.webp': { w: 12, h: 10 } });
  jpg ??= await encodeImage('jpg', { w: 7, h: 5 });
  changes = [];
  logged = [];
});

afterEach(async () => {
  await source?.close();
  removeDir(dir);
  removeDir(outside);
});

describe('FolderSource change reports', () => {
  it('[DS20] nothing for the initial indexing; an image lookup() finds after it is reported once, and a refresh then finds nothing new', async () => {
    source = await FolderSource.open(dir);
    source.onChange((change) => changes.push(change));
    source.start();
    await source.whenIdle();
    expect(changes).toEqual([]);
    writeFileSync(join(dir, 'sub', 'seen.jpg'), jpg);
    expect(await source.lookup('/sub/seen.jpg')).toMatchObject({ kind: 'item' });
    expect(changes).toEqual([{ added: ['/sub/seen.jpg'], removed: [], changed: [] }]);
    await source.refresh('/');
    expect(changes).toHaveLength(1);
  });
});

describe('FolderSource.watch', () => {
  it('[DS21] a new file is indexed, with its type and dimensions, and reported within 2 s', async () => {
    await open();
    expect(source.watchStatus()).toEqual({ kind: 'watching' });
    writeFileSync(join(dir, 'sub', 'new.jpg'), jpg);
    const { change, ms } = await changeWhere((c) => c.added.includes('/sub/new.jpg'));
    expect(change).toEqual({ added: ['/sub/new.jpg'], removed: [], changed: [] });
    expect(ms).toBeLessThan(WITHIN_MS);
    const id = source.catalog.idOf('/sub/new.jpg')!;
    expect(source.catalog.typeOf(id)).toBe('image/jpeg');
    expect([source.catalog.width[id], source.catalog.height[id]]).toEqual([7, 5]);
    expect(source.catalog.dirOfPath('/sub')?.count).toBe(3);
  });

  it('[DS22] a deleted file is removed; a rewritten one keeps its id and gets its new size and dimensions', async () => {
    await open();
    const id = source.catalog.idOf('/sub/b.png')!;
    writeFileSync(join(dir, 'sub', 'b.png'), await encodeImage('png', { w: 60, h: 20 }));
    await changeWhere((c) => c.changed.includes('/sub/b.png'));
    expect(source.catalog.idOf('/sub/b.png')).toBe(id);
    expect([source.catalog.width[id], source.catalog.height[id]]).toEqual([60, 20]);
    rmSync(join(dir, 'a.jpg'));
    const { change } = await changeWhere((c) => c.removed.includes('/a.jpg'));
    expect(change).toEqual({ added: [], removed: ['/a.jpg'], changed: [] });
    expect(alive('/a.jpg')).toBe(false);
  });

  it('[DS23] a renamed file is one change: its old path removed, its new path added', async () => {
    await open();
    renameSync(join(dir, 'sub', 'b.png'), join(dir, 'sub', 'deep', 'renamed.png'));
    const { change } = await changeWhere((c) => c.added.length > 0 || c.removed.length > 0);
    expect(change).toEqual({ added: ['/sub/deep/renamed.png'], removed: ['/sub/b.png'], changed: [] });
    expect(changes).toHaveLength(1);
  });

  it('[DS24] a folder of 1000 files renamed is ONE change of 1000 removals and 1000 additions; its subfolders stay watched', async () => {
    const many = join(dir, 'many');
    mkdirSync(join(many, 'inner'), { recursive: true });
    for (let i = 0; i < 1000; i++) writeFileSync(join(many, `f${i}.jpg`), jpg);
    await open();
    expect(source.catalog.dirOfPath('/many')?.count).toBe(1000);
    renameSync(many, join(dir, 'moved'));
    const { change, ms } = await changeWhere((c) => c.added.length > 0);
    expect(ms).toBeLessThan(WITHIN_MS);
    expect(changes).toHaveLength(1);
    expect(change.removed).toHaveLength(1000);
    expect(change.added).toHaveLength(1000);
    expect(change.changed).toEqual([]);
    expect(sorted(change.added)).toEqual(sorted(change.removed.map((p) => p.replace('/many/', '/moved/'))));
    expect(source.catalog.dirOfPath('/moved')?.count).toBe(1000);
    expect(source.catalog.dirOfPath('/many')?.count ?? 0).toBe(0);
    // Parcel's backend leaves a renamed folder's subfolders under their old paths (see fs-watcher.ts).
    writeFileSync(join(dir, 'moved', 'inner', 'later.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/moved/inner/later.jpg'));
  });

  it('[DS25] a folder created with files and folders inside is walked once, and its deepest folder is watched', async () => {
    await open();
    mkdirSync(join(dir, 'new', 'x', 'y'), { recursive: true });
    writeFileSync(join(dir, 'new', 'top.jpg'), jpg);
    writeFileSync(join(dir, 'new', 'x', 'y', 'deep.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/new/x/y/deep.jpg'));
    await source.whenWatchSettled();
    expect(changes.flatMap((c) => c.added).sort()).toEqual(['/new/top.jpg', '/new/x/y/deep.jpg']);
    // A tree moved in from outside the root arrives whole, and is watched down to its leaves.
    mkdirSync(join(outside, 'tree', 'p', 'q'), { recursive: true });
    writeFileSync(join(outside, 'tree', 'p', 'q', 'leaf.jpg'), jpg);
    renameSync(join(outside, 'tree'), join(dir, 'tree'));
    await changeWhere((c) => c.added.includes('/tree/p/q/leaf.jpg'));
    writeFileSync(join(dir, 'tree', 'p', 'q', 'later.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/tree/p/q/later.jpg'));
    writeFileSync(join(dir, 'new', 'x', 'y', 'later.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/new/x/y/later.jpg'));
  });

  it('[DS26] a folder deleted removes every item below it', async () => {
    await open();
    rmSync(join(dir, 'sub'), { recursive: true });
    await changeWhere((c) => c.removed.includes('/sub/deep/c.webp') && c.removed.includes('/sub/b.png'));
    await source.whenWatchSettled();
    expect(changes.flatMap((c) => c.removed).sort()).toEqual(['/sub/b.png', '/sub/deep/c.webp']);
    expect(source.catalog.aliveCount).toBe(1);
  });

  it('[DS27] hidden entries, the workspace, non-images and links leading out are never added', async () => {
    mkdirSync(join(dir, 'workspace'));
    await open();
    mkdirSync(join(dir, '.hidden'));
    writeFileSync(join(dir, '.hidden', 'x.jpg'), jpg);
    writeFileSync(join(dir, 'sub', '.dot.jpg'), jpg);
    writeFileSync(join(dir, 'workspace', 'thumb.jpg'), jpg);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    writeFileSync(join(outside, 'secret.jpg'), jpg);
    symlinkSync(join(outside, 'secret.jpg'), join(dir, 'leak.jpg'));
    symlinkSync(join(dir, 'workspace', 'thumb.jpg'), join(dir, 'ws-link.jpg'));
    symlinkSync(join(dir, 'a.jpg'), join(dir, 'alias.jpg'));
    // The last write: once it is reported, everything before it has been looked at.
    writeFileSync(join(dir, 'marker.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/marker.jpg'));
    await source.whenWatchSettled();
    expect(changes.flatMap((c) => [...c.added, ...c.changed, ...c.removed]).sort()).toEqual(['/alias.jpg', '/marker.jpg']);
  });
});

describe('FolderSource.watch when watching is impossible', () => {
  const noWatchesLeft: Subscribe = async (root) => {
    throw new Error(`inotify_add_watch on '${root}/sub' failed: No space left on device`);
  };

  it('[DS28] a failed subscribe falls back to periodic rescans with one log line, and they report changes', async () => {
    await open({ subscribe: noWatchesLeft }, 150);
    expect(source.watchStatus()).toMatchObject({ kind: 'rescanning', reason: expect.stringMatching(/max_user_watches/) });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^lenslet: can't watch .+ \(the kernel's inotify watch limit, fs\.inotify\.max_user_watches, is reached\); rescanning every 0\.2 s instead$/);
    writeFileSync(join(dir, 'sub', 'new.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/sub/new.jpg'));
    expect(logged).toHaveLength(1);
    await source.close();
    expect(source.watchStatus()).toEqual({ kind: 'off' });
  });

  it('[DS28] an error reported after subscribing switches to rescans at once, logging once', async () => {
    let report: SubscribeCallback | undefined;
    const failsLater: Subscribe = async (root, callback, options) => {
      report ??= callback;
      return parcelSubscribe(root, callback, options);
    };
    await open({ subscribe: failsLater }, 60_000);
    expect(source.watchStatus()).toEqual({ kind: 'watching' });
    report!(new Error('Too many open files'), []);
    report!(new Error('Too many open files'), []);
    expect(source.watchStatus()).toMatchObject({ kind: 'rescanning' });
    expect(logged).toEqual([expect.stringMatching(/max_user_instances.*rescanning every 60 s instead$/)]);
    // Written after the failure: only the immediate rescan (not the next one, a minute away) can see it.
    writeFileSync(join(dir, 'after.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/after.jpg'), 5000);
  });

  it('[DS29] close() releases every subscription, nested ones included', async () => {
    const live = new Set<string>();
    const counting: Subscribe = async (root, callback, options) => {
      const subscription = await parcelSubscribe(root, callback, options);
      live.add(root);
      return {
        unsubscribe: async () => {
          live.delete(root);
          await subscription.unsubscribe();
        },
      };
    };
    await open({ subscribe: counting });
    mkdirSync(join(dir, 'n', 'm'), { recursive: true });
    writeFileSync(join(dir, 'n', 'm', 'x.jpg'), jpg);
    await changeWhere((c) => c.added.includes('/n/m/x.jpg'));
    await source.whenWatchSettled();
    expect(live.size).toBe(2);
    await source.close();
    expect(live.size).toBe(0);
    expect(source.watchStatus()).toEqual({ kind: 'off' });
  });
});
