import { describe, expect, it } from 'vitest';
import { itemSchema } from '../../protocol/items.js';
import { Catalog } from '../catalog/catalog.js';
import { itemView } from './item-view.js';

function catalogOf(...paths: string[]) {
  const catalog = new Catalog();
  for (const path of paths) catalog.upsert({ path, type: 'image/jpeg', addedMs: 0 });
  return catalog;
}

describe('itemView', () => {
  it('answers the wire fields in wire order, with no metrics key when the item has none', () => {
    const catalog = catalogOf('/a/b.jpg');
    const item = itemView(catalog, 0, undefined);
    expect('metrics' in item).toBe(false);
    expect(Object.keys(item)).toEqual(['path', 'name', 'type', 'w', 'h', 'size', 'added_at', 'star', 'flag', 'tags', 'notes', 'version']);
    expect(JSON.parse(JSON.stringify(item))).toEqual(itemSchema.parse(item));
    expect(item).toMatchObject({ path: '/a/b.jpg', name: 'b.jpg', star: null, tags: [], notes: '', version: 1 });
  });

  it('merges label metrics over catalog columns, and copies tags so an item never aliases a label', () => {
    const catalog = catalogOf('/a.jpg', '/b.jpg');
    catalog.setMetric('score', 0, 0.5);
    catalog.setMetric('score', 1, 0.25);
    const labels = { star: 3, flag: null, tags: ['x'], notes: 'n', version: 4, metrics: { score: 0.9, extra: 2 } };
    const labeled = itemView(catalog, 0, labels);
    expect(labeled.metrics).toEqual({ score: 0.9, extra: 2 });
    expect(labeled.tags).toEqual(['x']);
    expect(labeled.tags).not.toBe(labels.tags);
    expect(Object.keys(labeled).at(-1)).toBe('metrics');
    expect(itemView(catalog, 1, undefined).metrics).toEqual({ score: 0.25 });
    expect(itemView(catalog, 1, undefined).tags).not.toBe(itemView(catalog, 1, undefined).tags);
  });
});
