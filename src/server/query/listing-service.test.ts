import { describe, expect, it } from 'vitest';
import { queryBodySchema } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import type { LabelLookup, LabelSnapshot } from '../labels/label-lookup.js';
import { ListingService } from './listing-service.js';
import { QueryEngine } from './query-engine.js';

function service(paths: string[], labels = new Map<string, LabelSnapshot>(), buildSliceMs?: number) {
  const catalog = new Catalog();
  for (const [i, path] of paths.entries()) catalog.upsert({ path, type: 'image/jpeg', addedMs: i % 3 });
  const lookup: LabelLookup = {
    peek: (p) => labels.get(p),
    forEachLabeled: (visit) => {
      for (const [p, l] of labels) visit(p, l);
    },
  };
  return { catalog, listing: new ListingService(catalog, new QueryEngine({ catalog, labels: lookup, buildSliceMs }), lookup) };
}

const base = { path: '/', offset: 0, limit: 500, sort: 'name', order: 'asc' as const, recursive: false, seed: 0 };
const names = (r: { items: { path: string }[] }) => r.items.map((i) => i.path);
const many = Array.from({ length: 300 }, (_, i) => `/d${i % 4}/img${i}.jpg`);

describe('ListingService', () => {
  it('[L1] sorts folders and files by the same natural, case-insensitive collation', () => {
    const { listing } = service(['/img10.jpg', '/img2.jpg', '/Img1.jpg', '/img10/a.jpg', '/img2/a.jpg', '/Img1/a.jpg', '/B/a.jpg', '/a/a.jpg']);
    const body = listing.list(base);
    expect(body.dirs.map((d) => d.name)).toEqual(['a', 'B', 'Img1', 'img2', 'img10']);
    expect(names(body)).toEqual(['/Img1.jpg', '/img2.jpg', '/img10.jpg']);
  });

  it('[L1] breaks equal keys by path in both folders and files', () => {
    const { listing } = service(['/A.jpg', '/a.jpg', '/x1/a.jpg', '/x01/a.jpg']);
    const body = listing.list(base);
    expect(body.dirs.map((d) => d.name)).toEqual(['x01', 'x1']);
    expect(names(body)).toEqual(['/A.jpg', '/a.jpg']);
  });

  it('[L6] /folders and /query list a folder in the same order for every sort and direction', () => {
    const { listing } = service(many);
    for (const sort of ['name', 'added', 'random']) {
      for (const order of ['asc', 'desc'] as const) {
        for (const path of ['/', '/d2']) {
          const folders = listing.list({ ...base, path, sort, order, recursive: true, seed: 11 });
          const query = listing.engine.query(queryBodySchema.parse({ path, limit: 500, sort: { key: sort, order, seed: 11 } }));
          expect(names(query)).toEqual(names(folders));
          expect(query.total).toBe(folders.total);
        }
      }
    }
  });

  it('[L3][L6] a small folder (sorted by its own keys) lists in the same order as the whole catalog (walked)', () => {
    const labels = new Map<string, LabelSnapshot>();
    const paths = Array.from({ length: 6_400 }, (_, i) => `/f${i % 128}/IMG${(i * 37) % 1000}.jpg`);
    for (const [i, p] of paths.entries()) {
      if (i % 5 === 0) labels.set(p, { star: null, flag: null, tags: [], notes: '', version: 2, metrics: { score: (i * 13) % 7 } });
    }
    const { catalog, listing } = service(paths, labels);
    // Ties, negatives and -0 next to 0 (L3), and items without a value.
    for (const [i, p] of paths.entries()) if (i % 3 === 0) catalog.setMetric('score', catalog.idOf(p)!, i % 9 === 0 ? -0 : ((i * 11) % 5) - 2);
    for (const key of ['name', 'added', 'random', 'metric:score']) {
      for (const order of ['asc', 'desc'] as const) {
        const sort = { key, order, seed: 4 };
        const whole = names(listing.engine.query(queryBodySchema.parse({ limit: 5000, sort })));
        const all = whole.concat(names(listing.engine.query(queryBodySchema.parse({ offset: 5000, limit: 5000, sort }))));
        const folder = names(listing.engine.query(queryBodySchema.parse({ path: '/f7', limit: 5000, sort })));
        expect(folder).toHaveLength(50); // 50 × 64 < 6,400: sorted on its own, not picked by a walk
        expect(folder).toEqual(all.filter((p) => p.startsWith('/f7/')));
      }
    }
  });

  it('[L2][L6] a seed keeps the same relative order with and without a filter', () => {
    const labels = new Map<string, LabelSnapshot>();
    many.forEach((p, i) => {
      if (i % 3 === 0) labels.set(p, { star: 5, flag: null, tags: [], notes: '', version: 2, metrics: {} });
    });
    const { listing } = service(many, labels);
    const all = names(listing.list({ ...base, sort: 'random', recursive: true, seed: 42 }));
    const filtered = names(listing.engine.query(queryBodySchema.parse({ limit: 500, filters: [{ stars: [5] }], sort: { key: 'random', seed: 42 } })));
    expect(filtered).toHaveLength(100);
    expect(filtered).toEqual(all.filter((p) => labels.has(p)));
    const inFolder = names(listing.list({ ...base, path: '/d1', sort: 'random', seed: 42 }));
    expect(inFolder).toEqual(all.filter((p) => p.startsWith('/d1/')));
  });

  it('[L2] a seed is taken modulo 2^32', () => {
    const { listing } = service(many);
    const a = listing.engine.query(queryBodySchema.parse({ limit: 500, sort: { key: 'random', seed: -1 } }));
    const b = listing.list({ ...base, sort: 'random', recursive: true, seed: 2 ** 32 - 1 });
    expect(names(a)).toEqual(names(b));
  });

  it('[L8] finds the window holding `around` in either direction', () => {
    const { listing } = service(many);
    const asc = listing.list({ ...base, recursive: true, limit: 50, around: '/d1/img9.jpg' });
    const desc = listing.list({ ...base, recursive: true, limit: 50, order: 'desc', around: '/d1/img9.jpg' });
    expect(names(asc)).toContain('/d1/img9.jpg');
    expect(names(desc)).toContain('/d1/img9.jpg');
    expect(asc.offset % 50).toBe(0);
    expect(asc.offset + desc.offset).toBe(250); // 300 items: window i ascending is window 5 - i descending
    expect(listing.list({ ...base, limit: 50, around: '/nope.jpg', offset: 7 }).offset).toBe(7);
  });

  it('[L7] lists search matches in name order, as a text query does', async () => {
    const { listing } = service(many);
    await listing.prepare({ key: 'name' });
    const search = listing.search('img1', '/', 500);
    const query = listing.engine.query(queryBodySchema.parse({ limit: 500, filters: [{ text: 'img1' }] }));
    expect(search.total).toBe(query.total);
    expect(names(search)).toEqual(names(query));
    expect(names(listing.search('img1', '/', 3))).toEqual(names(search).slice(0, 3));
  });

  it('builds the name and added orders in slices, so the event loop turns meanwhile', async () => {
    const { catalog, listing } = service([], undefined, 0);
    for (let i = 0; i < 12_000; i++) catalog.upsert({ path: `/d/img${i}.jpg`, type: 'image/jpeg' });
    let turns = 0;
    const counting = (async () => {
      while (turns >= 0) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
      }
    })();
    await listing.prepare({ key: 'added' });
    const during = turns;
    turns = -Infinity;
    await counting;
    expect(during).toBeGreaterThanOrEqual(2); // a slice of 0 ms: the loop turns at every step
    const body = listing.list({ ...base, path: '/d', limit: 3 });
    expect(names(body)).toEqual(['/d/img0.jpg', '/d/img1.jpg', '/d/img2.jpg']);
  });
});
