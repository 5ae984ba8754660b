import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PhashStore } from './phash-store.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('PhashStore', () => {
  // Issue 15: nothing heavy before the server listens; the store is first used once indexing is done.
  it('opens nothing until first used, then keeps its hashes in the workspace file', () => {
    dir = mkdtempSync(join(tmpdir(), 'lenslet-phash-'));
    const file = join(dir, 'phash.sqlite');
    const store = new PhashStore(file);
    expect(existsSync(file)).toBe(false);
    store.putMany([{ path: '/a.jpg', size: 10, mtimeMs: 5, phash: 0xffff_0000_1234_5678n }]);
    expect(existsSync(file)).toBe(true);
    store.close();
    const again = new PhashStore(file);
    expect([...again.all()]).toEqual([{ path: '/a.jpg', size: 10, mtimeMs: 5, phash: 0xffff_0000_1234_5678n }]);
    again.close();
  });

  it('closes without ever having opened', () => {
    const store = new PhashStore(null);
    expect(() => store.close()).not.toThrow();
  });
});
