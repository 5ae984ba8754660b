import { readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeImage, makeImageTree, makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { canonicalPath } from '../../protocol/paths.js';
import type { DatasetChange, DatasetSource, ItemBytes } from './dataset-source.js';

/**
 * The DatasetSource contract (rules DS1… in SPEC.md). `open` gets a folder holding the contract's
 * images and returns a source over them, not yet started.
 */
export interface ContractSource {
  source: DatasetSource;
  /** DS11: whether new files under the folder can show up on refresh, or why not. */
  seesChanges: true | { reason: string };
}

/** The images every source is built over: canonical path → [width, height, MIME type]. */
export const CONTRACT_IMAGES: Record<string, [number, number, string]> = {
  '/a.jpg': [40, 30, 'image/jpeg'],
  '/sub/b.png': [30, 40, 'image/png'],
  '/sub/deep/c.webp': [12, 10, 'image/webp'],
};

export function runDatasetSourceContract(kind: string, open: (dir: string) => Promise<ContractSource>): void {
  describe(`DatasetSource contract: ${kind}`, () => {
    let dir: string;
    let outside: string;
    let opened: ContractSource;
    let source: DatasetSource;

    beforeEach(async () => {
      dir = makeTempDir('lenslet-ds-');
      outside = makeTempDir('lenslet-ds-outside-');
      const tree = Object.fromEntries(Object.entries(CONTRACT_IMAGES).map(([p, [w, h]]) => [p.slice(1), { w, h }]));
      await makeImageTree(dir, tree);
      opened = await open(dir);
      source = opened.source;
    });

    afterEach(async () => {
      await source.close();
      removeDir(dir);
      removeDir(outside);
    });

    const started = async () => {
      source.start();
      await source.whenIdle();
    };
    const alivePaths = () => source.catalog.paths.filter((_, id) => source.catalog.alive[id]).sort();
    const idOf = (p: string) => {
      const id = source.catalog.idOf(p);
      if (id === undefined) throw new Error(`${p} is not in the catalog`);
      return id;
    };
    const contents = async (bytes: ItemBytes) => (bytes.kind === 'file' ? readFileSync(bytes.absPath) : await bytes.read());

    it('[DS1] opens with a mode, a name and its root, and indexes nothing before start()', () => {
      expect(['folder', 'table']).toContain(source.mode);
      expect(source.name).not.toBe('');
      expect(source.root.startsWith('/')).toBe(true);
      expect(source.catalog.aliveCount).toBe(0);
    });

    it('[DS2] whenIdle() resolves once indexing is done, and progress says so', async () => {
      source.start();
      expect(['running', 'done']).toContain(source.progress().state);
      await source.whenIdle();
      const p = source.progress();
      expect(p.state).toBe('done');
      expect(p.done).toBe(Object.keys(CONTRACT_IMAGES).length);
      expect(p.total).toBe(p.done);
      expect(source.catalog.aliveCount).toBe(p.done);
      expect(p.finishedAt).not.toBeNull();
      expect(p.finishedAt!).toBeGreaterThanOrEqual(p.startedAt);
    });

    it('[DS3] progress() returns a copy', async () => {
      await started();
      const p = source.progress();
      p.state = 'running';
      p.done = -1;
      expect(source.progress().state).toBe('done');
      expect(source.progress().done).toBe(Object.keys(CONTRACT_IMAGES).length);
    });

    it('[DS4] the catalog holds exactly the items, under canonical paths, with type and dimensions', async () => {
      await started();
      expect(alivePaths()).toEqual(Object.keys(CONTRACT_IMAGES).sort());
      for (const [p, [w, h, type]] of Object.entries(CONTRACT_IMAGES)) {
        const id = idOf(p);
        expect(canonicalPath(p)).toEqual({ ok: true, path: p });
        expect(source.catalog.typeOf(id)).toBe(type);
        expect([source.catalog.width[id], source.catalog.height[id]]).toEqual([w, h]);
      }
    });

    it('[DS5] every folder on an item’s path exists, counting the live items below it', async () => {
      await started();
      expect(source.catalog.dirOfPath('/')?.count).toBe(3);
      expect(source.catalog.dirOfPath('/sub')?.count).toBe(2);
      expect(source.catalog.dirOfPath('/sub/deep')?.count).toBe(1);
      expect(source.catalog.dirOfPath('/nope')).toBeUndefined();
    });

    it('[DS6] openItem gives the item’s bytes', async () => {
      await started();
      for (const p of Object.keys(CONTRACT_IMAGES)) {
        const bytes = await source.openItem(idOf(p));
        const expected = readFileSync(join(dir, p));
        expect((await contents(bytes)).equals(expected), p).toBe(true);
        if (bytes.kind === 'file') expect(bytes.size).toBe(statSync(join(dir, p)).size);
      }
    });

    it('[DS7] openItem of an unknown or removed id fails with not_found', async () => {
      await started();
      await expect(source.openItem(10_000)).rejects.toMatchObject({ code: 'not_found' });
      const id = idOf('/a.jpg');
      source.catalog.remove(id);
      await expect(source.openItem(id)).rejects.toMatchObject({ code: 'not_found' });
    });

    it('[DS8] openItem of an item whose bytes have gone fails with not_found; the item stays listed', async () => {
      await started();
      rmSync(join(dir, 'sub/b.png'));
      await expect(source.openItem(idOf('/sub/b.png'))).rejects.toMatchObject({ code: 'not_found' });
      expect(alivePaths()).toContain('/sub/b.png');
    });

    it('[DS9] openItem never serves bytes from outside the root', async () => {
      await started();
      writeFileSync(join(outside, 'secret.jpg'), await encodeImage('jpg', { w: 8, h: 8 }));
      rmSync(join(dir, 'a.jpg'));
      symlinkSync(join(outside, 'secret.jpg'), join(dir, 'a.jpg'));
      await expect(source.openItem(idOf('/a.jpg'))).rejects.toMatchObject({ code: 'invalid_path' });
    });

    it('[DS10] refresh with nothing changed reports zeros and keeps the catalog', async () => {
      await started();
      for (const p of ['/', '/sub']) {
        const result = await source.refresh(p);
        expect(result).toMatchObject({ added: 0, updated: 0, removed: 0 });
        expect(typeof result.path).toBe('string');
      }
      expect(alivePaths()).toEqual(Object.keys(CONTRACT_IMAGES).sort());
    });

    it('[DS11] a source that sees changes reports and lists a file added before refresh', async (context) => {
      if (opened.seesChanges !== true) return context.skip(opened.seesChanges.reason);
      await started();
      writeFileSync(join(dir, 'sub', 'new.png'), await encodeImage('png', { w: 5, h: 6 }));
      expect(await source.refresh('/sub')).toMatchObject({ added: 1, removed: 0 });
      await source.whenIdle();
      expect(alivePaths()).toContain('/sub/new.png');
    });

    it('[DS19] onChange reports what a refresh changed, and nothing for the initial indexing or an empty refresh', async (context) => {
      if (opened.seesChanges !== true) return context.skip(opened.seesChanges.reason);
      if (!source.onChange) return context.skip('this source reports no changes');
      const changes: DatasetChange[] = [];
      source.onChange((change) => changes.push(change));
      await started();
      await source.refresh('/');
      expect(changes).toEqual([]);
      writeFileSync(join(dir, 'sub', 'new.png'), await encodeImage('png', { w: 5, h: 6 }));
      rmSync(join(dir, 'a.jpg'));
      writeFileSync(join(dir, 'sub', 'deep', 'c.webp'), await encodeImage('webp', { w: 3, h: 4 }));
      await source.refresh('/');
      expect(changes).toEqual([{ added: ['/sub/new.png'], removed: ['/a.jpg'], changed: ['/sub/deep/c.webp'] }]);
    });

    it('[DS17] lookup() before indexing finds an image only under the path indexing gives it', async () => {
      const found = await source.lookup('/sub/b.png');
      if (found) {
        expect(found.kind).toBe('item');
        expect(source.catalog.paths[(found as { id: number }).id]).toBe('/sub/b.png');
      }
      for (const p of ['/nope.jpg', '/SUB/b.png', '/sub/B.png', '/sub/deep/c.webp/x.jpg', '/sub/nope/c.webp']) expect(await source.lookup(p), p).toBeUndefined();
      const folder = await source.lookup('/sub');
      if (folder) expect(folder).toEqual({ kind: 'folder', dirs: ['deep'] });
      await started();
      expect(alivePaths()).toEqual(Object.keys(CONTRACT_IMAGES).sort());
      if (found) expect(idOf('/sub/b.png')).toBe((found as { id: number }).id);
      for (const p of Object.keys(CONTRACT_IMAGES)) expect(await source.lookup(p)).toEqual({ kind: 'item', id: idOf(p) });
    });

    it('[DS18] an image lookup() added that indexing then does not find is removed', async () => {
      const extra = join(dir, 'sub', 'brief.png');
      writeFileSync(extra, await encodeImage('png', { w: 5, h: 6 }));
      const found = await source.lookup('/sub/brief.png');
      rmSync(extra);
      await started();
      if (found) expect(source.catalog.alive[(found as { id: number }).id]).toBe(0);
      expect(alivePaths()).toEqual(Object.keys(CONTRACT_IMAGES).sort());
    });

    it('[DS12] close() resolves while indexing runs, twice, and whenIdle() settles', async () => {
      source.start();
      await source.close();
      await source.close();
      await source.whenIdle();
    });
  });
}
