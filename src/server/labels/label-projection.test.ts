import { describe, expect, it } from 'vitest';
import { LabelProjection } from './label-projection.js';
import type { StoredEvent } from './label-store.js';

const at = '2026-01-23T19:22:05Z';

describe('LabelProjection', () => {
  it('holds committed sidecars; forEachLabeled skips items whose labels were all cleared', () => {
    const p = new LabelProjection();
    p.apply({ path: '/a.jpg', tags: ['x'], notes: '', star: null, flag: null, metrics: {}, version: 2, updated_at: at, updated_by: 'u' });
    p.apply({ path: '/b.jpg', tags: [], notes: '', star: null, flag: null, metrics: {}, version: 3, updated_at: at, updated_by: 'u' });
    expect(p.peek('/b.jpg')?.version).toBe(3);
    const seen: string[] = [];
    p.forEachLabeled((path) => seen.push(path));
    expect(seen).toEqual(['/a.jpg']);
  });

  it('applies logged events in order and ignores ones older than what it holds', () => {
    const p = new LabelProjection();
    const item = (version: number, star: number): StoredEvent => ({
      id: version, type: 'item-updated', path: '/a.jpg', changes: {},
      data: { path: '/a.jpg', version, tags: [], notes: '', star, metrics: { m: 1 }, updated_at: at, updated_by: 'u' },
    });
    p.applyEvent(item(2, 1));
    p.applyEvent({ id: 3, type: 'metrics-updated', path: '/a.jpg', changes: {}, data: { path: '/a.jpg', version: 3, metrics: { m: 2 }, updated_at: at, updated_by: 'w' } });
    expect(p.peek('/a.jpg')).toEqual({ star: 1, flag: null, tags: [], notes: '', version: 3, metrics: { m: 2 }, updated_by: 'w' });
    p.applyEvent(item(2, 5));
    expect(p.peek('/a.jpg')?.star).toBe(1);
  });

  it('[LV7] an item-moved event drops its from and holds its to', () => {
    const p = new LabelProjection();
    p.apply({ path: '/a.jpg', tags: ['x'], notes: 'n', star: 2, flag: null, metrics: {}, version: 2, updated_at: at, updated_by: 'u' });
    p.applyEvent({
      id: 3, type: 'item-moved', path: '/b.jpg', changes: { moved: { from: '/a.jpg', to: '/b.jpg' } },
      data: { from: '/a.jpg', to: '/b.jpg', version: 3, tags: ['x'], notes: 'n', star: 2, flag: null, metrics: { m: 1 }, updated_at: at, updated_by: 'w' },
    });
    expect(p.peek('/a.jpg')).toBeUndefined();
    expect(p.peek('/b.jpg')).toEqual({ star: 2, flag: null, tags: ['x'], notes: 'n', version: 3, metrics: { m: 1 }, updated_by: 'w' });
  });
});
