import { describe, expect, it } from 'vitest';
import { tableFromRows } from './parquet-rows.js';

describe('tableFromRows', () => {
  const when = new Date('2026-01-02T03:04:05Z');
  const table = tableFromRows([
    { image: 'a.jpg', score: 0.5, big: 10n, ok: true, at: when, tags: ['x', 'y'] },
    { image: 'b.jpg', score: null, mixed: 1, extra: 'only here' },
    { image: null, score: 2, mixed: 'one', tags: null },
  ]);

  it('infers column kinds from the values, in first-seen order; mixed kinds are "other"', () => {
    expect(table.rowCount).toBe(3);
    expect(table.columns).toEqual([
      { name: 'image', kind: 'string' },
      { name: 'score', kind: 'number' },
      { name: 'big', kind: 'number' },
      { name: 'ok', kind: 'boolean' },
      { name: 'at', kind: 'timestamp' },
      { name: 'tags', kind: 'string-list' },
      { name: 'mixed', kind: 'other' },
      { name: 'extra', kind: 'string' },
    ]);
  });

  it('reads columns as the Parquet reader does: Float64Array with NaN for numbers, null for missing values', async () => {
    const byName = (name: string) => table.columns.find((c) => c.name === name)!;
    const slice = await table.read(['image', 'score', 'big', 'ok', 'at', 'tags'].map(byName), 0, 3);
    expect(slice.columns.get('image')).toEqual(['a.jpg', 'b.jpg', null]);
    expect([...(slice.columns.get('score') as Float64Array)]).toEqual([0.5, NaN, 2]);
    expect([...(slice.columns.get('big') as Float64Array)]).toEqual([10, NaN, NaN]);
    expect([...(slice.columns.get('ok') as Float64Array)]).toEqual([1, NaN, NaN]);
    expect((slice.columns.get('at') as Float64Array)[0]).toBe(when.getTime());
    expect(slice.columns.get('tags')).toEqual([['x', 'y'], null, null]);
    const tail = await table.read([byName('image')], 1, 10);
    expect(tail.columns.get('image')).toEqual(['b.jpg', null]);
  });

  it('slices large inputs so one read never covers too many rows', () => {
    const big = tableFromRows(Array.from({ length: 70_000 }, (_, i) => ({ image: `${i}.jpg` })));
    expect(big.slices.length).toBe(2);
    expect(big.slices.at(-1)!.rowEnd).toBe(70_000);
  });
});
