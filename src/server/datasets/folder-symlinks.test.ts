import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeImage, makeImageTree, makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { FolderSource } from './folder-source.js';

/** Folder-only rules DS13–DS16 (SPEC.md): what links make visible, and where. */
describe('FolderSource and symlinks', () => {
  let dir: string;
  let source: FolderSource;
  const listed = () => source.catalog.paths.filter((_, id) => source.catalog.alive[id]).sort();
  const open = async () => {
    source = await FolderSource.open(dir, { skipDirs: [join(dir, '.lenslet')] });
    source.start();
    await source.whenIdle();
  };

  beforeEach(async () => {
    dir = makeTempDir('lenslet-links-');
    await makeImageTree(dir, { 'a.jpg': { w: 4, h: 4 }, 'sub/b.png': { w: 4, h: 4 }, '.stash/c.webp': { w: 4, h: 4 } });
  });
  afterEach(async () => {
    await source?.close();
    removeDir(dir);
  });

  it('[DS13] lists nothing that resolves into the workspace, and refuses to serve a link swapped into it', async () => {
    mkdirSync(join(dir, '.lenslet'));
    writeFileSync(join(dir, '.lenslet', 'labels.sqlite'), 'SQLite format 3\0');
    symlinkSync(join(dir, '.lenslet', 'labels.sqlite'), join(dir, 'x.jpg'));
    symlinkSync(join(dir, '.lenslet'), join(dir, 'ws'));
    await open();
    expect(listed()).toEqual(['/a.jpg', '/sub/b.png']);
    rmSync(join(dir, 'a.jpg'));
    symlinkSync(join(dir, '.lenslet', 'labels.sqlite'), join(dir, 'a.jpg'));
    await expect(source.openItem(source.catalog.idOf('/a.jpg')!)).rejects.toMatchObject({ code: 'invalid_path' });
  });

  it('[DS13] skips a workspace that does not exist yet, named through a link to the root', async () => {
    const alias = `${dir}-alias`;
    symlinkSync(dir, alias);
    try {
      source = await FolderSource.open(alias, { skipDirs: [join(alias, 'state')] });
      mkdirSync(join(dir, 'state'));
      writeFileSync(join(dir, 'state', 'thumb.jpg'), await encodeImage('jpg', { w: 2, h: 2 }));
      source.start();
      await source.whenIdle();
      expect(listed()).toEqual(['/a.jpg', '/sub/b.png']);
    } finally {
      rmSync(alias);
    }
  });

  it('[DS14] walks each folder once: links to listed folders and link loops add nothing', async () => {
    symlinkSync(dir, join(dir, 'sub', 'up'));
    symlinkSync(join(dir, 'sub'), join(dir, 'sub-again'));
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    await open();
    expect(listed()).toEqual(['/a.jpg', '/sub/b.png']);
  });

  it('[DS14] follows a link to a folder not listed itself, once, at the first link path by name', async () => {
    symlinkSync(join(dir, '.stash'), join(dir, 'sub', 'm-stash'));
    symlinkSync(join(dir, '.stash'), join(dir, 'sub', 'n-stash'));
    symlinkSync(join(dir, 'sub'), join(dir, '.stash', 'back'));
    await open();
    expect(listed()).toEqual(['/a.jpg', '/sub/b.png', '/sub/m-stash/c.webp']);
  });

  it('[DS15] lists a link to a file at its own path', async () => {
    symlinkSync(join(dir, 'a.jpg'), join(dir, 'sub', 'a-too.jpg'));
    await open();
    expect(listed()).toEqual(['/a.jpg', '/sub/a-too.jpg', '/sub/b.png']);
  });

  it('[DS16] refuses to refresh a path that is not a listed folder, and adds nothing', async () => {
    symlinkSync(dir, join(dir, 'sub', 'up'));
    symlinkSync(join(dir, '.stash'), join(dir, 'sub', 'm-stash'));
    symlinkSync(join(dir, '.stash'), join(dir, 'sub', 'n-stash'));
    await open();
    const before = listed();
    for (const path of ['/sub/up', '/sub/up/sub', '/sub/n-stash', '/.stash']) {
      await expect(source.refresh(path), path).rejects.toMatchObject({ code: 'folder_not_found' });
    }
    expect(await source.refresh('/sub/m-stash')).toMatchObject({ added: 0, removed: 0 });
    // A refresh of another subtree keeps the folder where the full walk listed it.
    expect(await source.refresh('/sub')).toMatchObject({ added: 0, removed: 0 });
    expect(listed()).toEqual(before);
  });
});
