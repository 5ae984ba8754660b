import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { OrderBook } from './order-book.js';

function catalogOf(rows: number): Catalog {
  const catalog = new Catalog();
  for (let i = 0; i < rows; i++) {
    const id = catalog.upsert({ path: `/d${i % 3}/img_${(i * 37) % 101}.jpg`, type: 'image/jpeg', addedMs: i * 1000 });
    catalog.setMetric('m', id, (i * 13) % 17);
  }
  return catalog;
}

/** What a table load does as its numbers arrive after the paths (parquet-table.ts `applyNumeric`). */
function numbersArrive(catalog: Catalog): void {
  for (let id = 0; id < catalog.size; id++) {
    catalog.added[id] = (catalog.size - id) * 1000;
    catalog.metrics.get('m')![id] = id % 5;
    catalog.width[id] = 100 + id;
  }
  catalog.metricsGeneration++;
  catalog.generation++;
}

describe('OrderBook', () => {
  it('[OB5] numbers arriving leave the name and random orders current, and the added and metric orders not', () => {
    const catalog = catalogOf(60);
    const book = new OrderBook(catalog);
    for (const key of ['name', 'random', 'added', 'metric:m']) book.order(key, 3);
    numbersArrive(catalog);
    expect(book.current('name', 0)).toBe(true);
    expect(book.current('random', 3)).toBe(true);
    expect(book.current('added', 0)).toBe(false);
    expect(book.current('metric:m', 0)).toBe(false);
    // Rebuilt from the kept name order, they follow the new numbers.
    const added = [...book.order('added', 0).order];
    expect(added).toEqual([...added].sort((a, b) => catalog.added[a]! - catalog.added[b]!));
  });

  it('[OB5] a path added or removed makes every order stale', () => {
    const catalog = catalogOf(40);
    const book = new OrderBook(catalog);
    book.order('name', 0);
    book.order('random', 1);
    catalog.upsert({ path: '/d9/new.jpg', type: 'image/jpeg' });
    expect(book.current('name', 0)).toBe(false);
    expect(book.current('random', 1)).toBe(false);
    expect(book.order('name', 0).order).toContain(catalog.idOf('/d9/new.jpg'));
    catalog.remove(catalog.idOf('/d9/new.jpg')!);
    expect(book.current('name', 0)).toBe(false);
  });

  it('[OB5] prepareCurrent builds the order of the catalog as it is, even while indexing and with a young one kept', async () => {
    const catalog = catalogOf(30);
    const book = new OrderBook(catalog, 10, () => true);
    await book.prepare({ key: 'name' }, false);
    catalog.upsert({ path: '/d9/late.jpg', type: 'image/jpeg' });
    await book.prepare({ key: 'name' }, false); // OB1: the young order serves, nothing rebuilt
    expect(book.current('name', 0)).toBe(false);
    await book.prepareCurrent({ key: 'name' });
    expect(book.current('name', 0)).toBe(true);
    expect(book.order('name', 0).order).toContain(catalog.idOf('/d9/late.jpg'));
  });
});
