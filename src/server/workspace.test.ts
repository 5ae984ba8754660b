import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../test/factories/image-tree.js';
import { resolveWorkspace } from './workspace.js';

describe('resolveWorkspace', () => {
  it('puts folder state in <folder>/.lenslet, created only on first write', async () => {
    const root = makeTempDir();
    try {
      const ws = resolveWorkspace({ kind: 'folder', path: root });
      expect(ws).toMatchObject({
        dir: join(root, '.lenslet'),
        persistent: true,
        thumbsDir: join(root, '.lenslet', 'thumbs'),
        labelsDbPath: join(root, '.lenslet', 'labels.sqlite'),
        viewsPath: join(root, '.lenslet', 'smart-folders.json'),
        legacyViewsPath: join(root, '.lenslet', 'views.json'),
      });
      expect(existsSync(ws.dir)).toBe(false);
      await ws.ensure();
      expect(existsSync(ws.dir)).toBe(true);
      ws.dispose();
      expect(existsSync(ws.dir)).toBe(true); // persistent: kept
    } finally {
      removeDir(root);
    }
  });

  it('puts table-file state beside the table in t.parquet.cache/ (t.parquet.lenslet.json only read as the older views file)', () => {
    const ws = resolveWorkspace({ kind: 'table-file', path: '/data/t.parquet' });
    expect(ws).toMatchObject({
      dir: '/data/t.parquet.cache',
      viewsPath: '/data/t.parquet.cache/smart-folders.json',
      legacyViewsPath: '/data/t.parquet.lenslet.json',
      thumbsDir: '/data/t.parquet.cache/thumbs',
    });
  });

  it('uses a folder holding items.parquet like any folder', () => {
    expect(resolveWorkspace({ kind: 'folder', path: '/data/set' }).dir).toBe('/data/set/.lenslet');
  });

  it('honours --workspace', () => {
    const ws = resolveWorkspace({ kind: 'table-file', path: '/data/t.parquet' }, { dir: '/state/x' });
    expect(ws).toMatchObject({ dir: '/state/x', persistent: true, viewsPath: '/state/x/smart-folders.json' });
  });

  it('--no-write uses a temp dir outside the data, removed on dispose', () => {
    const ws = resolveWorkspace({ kind: 'folder', path: '/data/set' }, { noWrite: true, dir: '/ignored' });
    expect(ws.persistent).toBe(false);
    expect(ws.dir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(ws.dir)).toBe(true);
    ws.dispose();
    expect(existsSync(ws.dir)).toBe(false);
  });
});
