import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TableIdStrategy } from './table-id-strategy.js';

/** A table source whose rows the test sets: [path, id] pairs. */
function fakeSource(pairs: [string, string][] | null) {
  const source = { pairs, identities: () => source.pairs };
  return source;
}

const none = { added: [], removed: [], changed: [] };
const sorted = (moves: { from: string; to: string }[]) => [...moves].sort((a, b) => a.from.localeCompare(b.from));

describe('TableIdStrategy', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('TB7 gives no moves the first time, then one move per id whose path changed', async () => {
    const source = fakeSource([['/a.jpg', '1'], ['/b.jpg', '2'], ['/c.jpg', '3']]);
    const strategy = new TableIdStrategy(source, null);
    expect(await strategy.initial()).toEqual([]);
    source.pairs = [['/x/a.jpg', '1'], ['/b.jpg', '2'], ['/x/c.jpg', '3']];
    expect(sorted(await strategy.movesFor(none))).toEqual([
      { from: '/a.jpg', to: '/x/a.jpg' },
      { from: '/c.jpg', to: '/x/c.jpg' },
    ]);
    expect(await strategy.movesFor(none)).toEqual([]);
    await strategy.close();
  });

  it('TB7 keeps a vanished id as an orphan and moves it when it comes back under another path', async () => {
    const source = fakeSource([['/a.jpg', '1'], ['/b.jpg', '2']]);
    const strategy = new TableIdStrategy(source, null);
    await strategy.initial();
    source.pairs = [['/b.jpg', '2']];
    expect(await strategy.movesFor(none)).toEqual([]);
    source.pairs = [['/b.jpg', '2'], ['/back/a.jpg', '1']];
    expect(await strategy.movesFor(none)).toEqual([{ from: '/a.jpg', to: '/back/a.jpg' }]);
    await strategy.close();
  });

  it('TB7 an orphan whose path another id takes is forgotten: the labels there are the new row\'s', async () => {
    const source = fakeSource([['/a.jpg', '1']]);
    const strategy = new TableIdStrategy(source, null);
    await strategy.initial();
    source.pairs = [['/a.jpg', 'new']];
    expect(await strategy.movesFor(none)).toEqual([]);
    source.pairs = [['/a.jpg', 'new'], ['/z.jpg', '1']];
    expect(await strategy.movesFor(none)).toEqual([]);
    await strategy.close();
  });

  it('TB7 reports a swap of two paths as two moves', async () => {
    const source = fakeSource([['/a.jpg', '1'], ['/b.jpg', '2']]);
    const strategy = new TableIdStrategy(source, null);
    await strategy.initial();
    source.pairs = [['/a.jpg', '2'], ['/b.jpg', '1']];
    expect(sorted(await strategy.movesFor(none))).toEqual([
      { from: '/a.jpg', to: '/b.jpg' },
      { from: '/b.jpg', to: '/a.jpg' },
    ]);
    await strategy.close();
  });

  it('TB7 keeps the map across a reopen of the file, beside other tables in it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-ids-'));
    dirs.push(dir);
    const file = path.join(dir, 'ws', 'identity.sqlite');
    const first = new TableIdStrategy(fakeSource([['/a.jpg', '1'], ['/b.jpg', '2']]), file);
    await first.initial();
    await first.close();
    const second = new TableIdStrategy(fakeSource([['/moved/a.jpg', '1'], ['/b.jpg', '2']]), file);
    expect(await second.initial()).toEqual([{ from: '/a.jpg', to: '/moved/a.jpg' }]);
    await second.close();
  });

  it('TB7 does nothing for a source without ids', async () => {
    const strategy = new TableIdStrategy(fakeSource(null), null);
    expect(await strategy.initial()).toEqual([]);
    await strategy.close();
  });

  it('TB7 compares 50k rows, a few of them moved', async () => {
    const n = 50_000;
    const pairs: [string, string][] = [];
    for (let i = 0; i < n; i++) pairs.push([`/d/${i}.jpg`, `id-${i}`]);
    const source = fakeSource(pairs);
    const strategy = new TableIdStrategy(source, null);
    await strategy.initial();
    source.pairs = pairs.map(([p, id], i) => [i % 1000 === 0 ? `/e/${i}.jpg` : p, id]);
    const moves = await strategy.movesFor(none);
    expect(moves).toHaveLength(n / 1000);
    await strategy.close();
  });
});
