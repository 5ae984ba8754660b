import { describe, expect, it } from 'vitest';
import { type Filter, histogramBodySchema, queryBodySchema } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import type { LabelLookup, LabelSnapshot } from '../labels/label-lookup.js';
import { naturalKey } from './collation.js';
import { QueryEngine } from './query-engine.js';

function labelsOf(map: Map<string, Partial<LabelSnapshot>>): LabelLookup {
  const full = (l: Partial<LabelSnapshot>): LabelSnapshot => ({ star: null, flag: null, tags: [], notes: '', version: 1, metrics: {}, ...l });
  return {
    peek: (path) => (map.has(path) ? full(map.get(path)!) : undefined),
    forEachLabeled: (visit) => {
      for (const [path, l] of map) visit(path, full(l));
    },
  };
}

function fixture() {
  const catalog = new Catalog();
  const rows = [
    { path: '/a/sunset.jpg', w: 2000, h: 1000, added: '2026-01-05T00:00:00Z', aesthetic: 0.95 },
    { path: '/a/beach.jpg', w: 800, h: 600, added: '2026-01-20T00:00:00Z', aesthetic: 0.5 },
    { path: '/a/b/city.png', w: 1024, h: 768, added: '2026-02-03T00:00:00Z', aesthetic: NaN },
    { path: '/c/Forest.jpg', w: 0, h: 0, added: '2025-12-31T00:00:00Z', aesthetic: 0.2 },
    { path: '/c/desert.jpg', w: 4000, h: 3000, added: '2026-01-10T00:00:00Z', aesthetic: 0.99 },
  ];
  for (const r of rows) {
    const id = catalog.upsert({ path: r.path, type: 'image/jpeg', w: r.w, h: r.h, addedMs: Date.parse(r.added) });
    catalog.setMetric('aesthetic', id, r.aesthetic);
  }
  const labelMap = new Map<string, Partial<LabelSnapshot>>([
    ['/a/sunset.jpg', { star: 5, flag: null, tags: ['a', 'b'] }],
    ['/a/beach.jpg', { star: 4, flag: null, tags: ['a'], notes: 'Golden hour' }],
    ['/c/desert.jpg', { star: 1, flag: null, tags: ['x'] }],
  ]);
  let revision = 0;
  const engine = new QueryEngine({ catalog, labels: labelsOf(labelMap), labelRevision: () => revision });
  return { catalog, engine, labelMap, bump: () => revision++ };
}

const q = (engine: QueryEngine, body: Record<string, unknown>) => engine.query(queryBodySchema.parse(body));
const paths = (r: { items: { path: string }[] }) => r.items.map((i) => i.path);

describe('QueryEngine.query', () => {
  it('lists the whole tree by name by default and pages it', () => {
    const { engine } = fixture();
    const all = q(engine, {});
    expect(all.total).toBe(5);
    // Natural and case-insensitive, like folder listings.
    expect(paths(all)).toEqual(['/a/beach.jpg', '/a/b/city.png', '/c/desert.jpg', '/c/Forest.jpg', '/a/sunset.jpg']);
    const page = q(engine, { offset: 1, limit: 2 });
    expect(paths(page)).toEqual(['/a/b/city.png', '/c/desert.jpg']);
    expect(page.total).toBe(5);
  });

  it('scopes to a folder, recursively or not', () => {
    const { engine } = fixture();
    expect(q(engine, { path: '/a' }).total).toBe(3);
    expect(q(engine, { path: '/a', recursive: false }).total).toBe(2);
    expect(() => q(engine, { path: '/nope' })).toThrow(/no folder/);
  });

  it('filters on metric ranges; missing values never match', () => {
    const { engine } = fixture();
    expect(paths(q(engine, { filters: [{ metric: 'aesthetic', min: 0.9 }] })).sort()).toEqual(['/a/sunset.jpg', '/c/desert.jpg']);
    expect(q(engine, { filters: [{ metric: 'aesthetic', max: 1 }] }).total).toBe(4);
    expect(q(engine, { filters: [{ metric: 'unknown', min: 0 }] }).total).toBe(0);
  });

  it('filters on stars with 0 meaning unrated, and on tags', () => {
    const { engine } = fixture();
    expect(paths(q(engine, { filters: [{ stars: [5, 4] }] })).sort()).toEqual(['/a/beach.jpg', '/a/sunset.jpg']);
    expect(paths(q(engine, { filters: [{ stars: [0] }] })).sort()).toEqual(['/a/b/city.png', '/c/Forest.jpg']);
    expect(q(engine, { filters: [{ tags_any: ['a', 'x'] }] }).total).toBe(3);
    expect(paths(q(engine, { filters: [{ tags_all: ['a', 'b'] }] }))).toEqual(['/a/sunset.jpg']);
    expect(q(engine, { filters: [{ tags_none: ['a'] }] }).total).toBe(3);
    expect(q(engine, { filters: [{ tags_any: [] }] }).total).toBe(5);
  });

  it('matches text in name, path or notes, case-insensitively', () => {
    const { engine } = fixture();
    expect(paths(q(engine, { filters: [{ text: 'SUNSET' }] }))).toEqual(['/a/sunset.jpg']);
    expect(paths(q(engine, { filters: [{ text: 'forest' }] }))).toEqual(['/c/Forest.jpg']);
    expect(paths(q(engine, { filters: [{ text: 'golden' }] }))).toEqual(['/a/beach.jpg']);
    expect(q(engine, { filters: [{ text: '/a/' }] }).total).toBe(3);
  });

  it('filters width, height (unknown never matches) and added date', () => {
    const { engine } = fixture();
    expect(q(engine, { filters: [{ width: { gte: 1024 } }] }).total).toBe(3);
    expect(paths(q(engine, { filters: [{ height: { lt: 800 } }] })).sort()).toEqual(['/a/b/city.png', '/a/beach.jpg']);
    const jan = { added: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' } };
    expect(q(engine, { filters: [jan] }).total).toBe(3);
    expect(q(engine, { filters: [jan, { stars: [5] }, { width: { gt: 1000 } }] }).total).toBe(1);
  });

  it('[L4] sorts by metric with missing values last in both orders', () => {
    const { engine } = fixture();
    expect(paths(q(engine, { sort: { key: 'metric:aesthetic', order: 'asc' } }))).toEqual([
      '/c/Forest.jpg', '/a/beach.jpg', '/a/sunset.jpg', '/c/desert.jpg', '/a/b/city.png',
    ]);
    expect(paths(q(engine, { sort: { key: 'metric:aesthetic', order: 'desc' } }))).toEqual([
      '/c/desert.jpg', '/a/sunset.jpg', '/a/beach.jpg', '/c/Forest.jpg', '/a/b/city.png',
    ]);
  });

  it('sorts by added date', () => {
    const { engine } = fixture();
    expect(paths(q(engine, { sort: { key: 'added', order: 'desc' }, limit: 2 }))).toEqual(['/a/b/city.png', '/a/beach.jpg']);
  });

  it('[L2] keeps a seeded random order stable, and a different seed changes it', () => {
    const { catalog, engine } = fixture();
    for (let i = 0; i < 50; i++) catalog.upsert({ path: `/r/${i}.jpg`, type: 'image/jpeg' });
    const first = paths(q(engine, { sort: { key: 'random', seed: 7 }, limit: 100 }));
    expect(paths(q(engine, { sort: { key: 'random', seed: 7 }, limit: 100 }))).toEqual(first);
    expect(paths(q(engine, { sort: { key: 'random', seed: 8 }, limit: 100 }))).not.toEqual(first);
    expect([...first].sort()).toEqual(paths(q(engine, { limit: 100 })).sort());
    // Growing the catalog keeps the relative order of the items already there.
    catalog.upsert({ path: '/r/new.jpg', type: 'image/jpeg' });
    const after = paths(q(engine, { sort: { key: 'random', seed: 7 }, limit: 100 })).filter((p) => p !== '/r/new.jpg');
    expect(after).toEqual(first);
  });

  it('sees label writes at once, label metrics overriding catalog columns', () => {
    const { engine, labelMap, bump } = fixture();
    expect(q(engine, { filters: [{ stars: [3] }] }).total).toBe(0);
    labelMap.set('/a/b/city.png', { star: 3, flag: null, metrics: { aesthetic: 0.97 } });
    bump();
    expect(paths(q(engine, { filters: [{ stars: [3] }] }))).toEqual(['/a/b/city.png']);
    expect(paths(q(engine, { sort: { key: 'metric:aesthetic', order: 'desc' }, limit: 2 }))).toEqual(['/c/desert.jpg', '/a/b/city.png']);
    expect(paths(q(engine, { sort: { key: 'metric:aesthetic', order: 'asc' } })).at(-1)).toBe('/c/desert.jpg');
    const item = q(engine, { filters: [{ text: 'city' }] }).items[0]!;
    expect(item.metrics).toEqual({ aesthetic: 0.97 });
    expect(item.star).toBe(3);
    labelMap.set('/c/Forest.jpg', { metrics: { novelty: 2 } });
    bump();
    expect(engine.metricFields()).toEqual([{ name: 'aesthetic', count: 4 + 1 - 0 }, { name: 'novelty', count: 1 }]);
  });

  it('builds items with metrics and defaults for unlabeled rows', () => {
    const { engine } = fixture();
    const item = q(engine, { filters: [{ text: 'forest' }] }).items[0]!;
    expect(item).toMatchObject({ name: 'Forest.jpg', star: null, tags: [], notes: '', version: 1, metrics: { aesthetic: 0.2 } });
    expect(item.added_at).toBe('2025-12-31T00:00:00.000Z');
  });
});

describe('sorted orders', () => {
  it('[L1][L3] orders names naturally (img2 before img10), ties by path, and values by radix with negatives, ties by name', () => {
    const catalog = new Catalog();
    const names = ['/x/img10.jpg', '/x/img2.jpg', '/y/img2.jpg', '/x/IMG1.jpg', '/x/a.jpg', '/x/img2a.jpg'];
    names.forEach((p, i) => {
      const id = catalog.upsert({ path: p, type: 'image/jpeg', addedMs: [5, -3, 0, 2.5, -0, 1e12][i] });
      catalog.setMetric('m', id, [0.5, -1e-9, -2, NaN, 3e300, -0][i]!);
    });
    const engine = new QueryEngine({ catalog, labels: { peek: () => undefined, forEachLabeled: () => {} } });
    expect(paths(q(engine, { limit: 10 }))).toEqual(['/x/a.jpg', '/x/IMG1.jpg', '/x/img2.jpg', '/y/img2.jpg', '/x/img2a.jpg', '/x/img10.jpg']);
    expect(paths(q(engine, { sort: { key: 'metric:m' }, limit: 10 }))).toEqual(['/y/img2.jpg', '/x/img2.jpg', '/x/img2a.jpg', '/x/img10.jpg', '/x/a.jpg', '/x/IMG1.jpg']);
    // -0 and 0 tie, and the tie goes to the name order: a.jpg before img2.jpg.
    expect(paths(q(engine, { sort: { key: 'added' }, limit: 10 }))).toEqual(['/x/img2.jpg', '/x/a.jpg', '/y/img2.jpg', '/x/IMG1.jpg', '/x/img10.jpg', '/x/img2a.jpg']);
  });

  it('[L1][L3][L4] sorts a large shuffled catalog exactly like the reference comparators', () => {
    const catalog = new Catalog();
    let seed = 3;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 20_000; i++) {
      const id = catalog.upsert({ path: `/d${i % 7}/p_${Math.floor(rnd() * 5000)}_${i}.jpg`, type: 'image/jpeg', addedMs: Math.floor(rnd() * 1000) });
      catalog.setMetric('m', id, rnd() < 0.1 ? NaN : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 10));
    }
    const engine = new QueryEngine({ catalog, labels: { peek: () => undefined, forEachLabeled: () => {} } });
    const values = catalog.metrics.get('m')!;
    const ids = [...Array(catalog.size).keys()];
    const key = (id: number) => naturalKey(catalog.nameOf(id));
    const byName = (a: number, b: number) => {
      const ka = key(a);
      const kb = key(b);
      const pa = catalog.paths[a]!;
      const pb = catalog.paths[b]!;
      return ka < kb ? -1 : ka > kb ? 1 : pa < pb ? -1 : pa > pb ? 1 : 0;
    };
    const withValue = ids.filter((id) => !Number.isNaN(values[id]!)).sort((a, b) => values[a]! - values[b]! || byName(a, b));
    const missing = ids.filter((id) => Number.isNaN(values[id]!)).sort(byName);
    const got = q(engine, { sort: { key: 'metric:m' }, limit: 5000 }).items.map((i) => catalog.idOf(i.path)!);
    expect(got).toEqual(withValue.slice(0, 5000));
    const gotDesc = q(engine, { sort: { key: 'metric:m', order: 'desc' }, offset: withValue.length - 10, limit: 20 }).items.map((i) => catalog.idOf(i.path)!);
    expect(gotDesc).toEqual([...withValue.slice(0, 10).reverse(), ...missing.slice(0, 10)]);
    const byAdded = ids.slice().sort((a, b) => catalog.added[a]! - catalog.added[b]! || byName(a, b));
    expect(q(engine, { sort: { key: 'added', order: 'desc' }, limit: 3000 }).items.map((i) => catalog.idOf(i.path)!)).toEqual(byAdded.reverse().slice(0, 3000));
    const gotNames = q(engine, { limit: 5000 }).items.map((i) => i.path);
    const expected = ids.slice().sort(byName).map((id) => catalog.paths[id]!);
    expect(gotNames).toEqual(expected.slice(0, 5000));
  });
});

describe('filtered windows', () => {
  it('[L4][L6] walked from the order only as far as the window, they equal the reference list in both directions', () => {
    const catalog = new Catalog();
    let seed = 9;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 6000; i++) {
      const id = catalog.upsert({ path: `/d${i % 5}/p_${Math.floor(rnd() * 900)}.jpg${i}`, type: 'image/jpeg', w: 10 + (i % 7), addedMs: Math.floor(rnd() * 30) });
      catalog.setMetric('m', id, rnd() < 0.2 ? NaN : Math.floor(rnd() * 4));
    }
    const engine = new QueryEngine({ catalog, labels: { peek: () => undefined, forEachLabeled: () => {} } });
    const values = catalog.metrics.get('m')!;
    const byName = (a: number, b: number) => {
      const ka = naturalKey(catalog.nameOf(a));
      const kb = naturalKey(catalog.nameOf(b));
      return ka < kb ? -1 : ka > kb ? 1 : catalog.paths[a]! < catalog.paths[b]! ? -1 : 1;
    };
    const kept = [...Array(catalog.size).keys()].filter((id) => catalog.width[id]! >= 12);
    const withValue = kept.filter((id) => !Number.isNaN(values[id]!)).sort((a, b) => values[a]! - values[b]! || byName(a, b));
    const missing = kept.filter((id) => Number.isNaN(values[id]!)).sort(byName);
    const byAdded = kept.slice().sort((a, b) => catalog.added[a]! - catalog.added[b]! || byName(a, b));
    const filters = [{ width: { gte: 12 } }];
    const ids = (body: Record<string, unknown>) => q(engine, { filters, ...body }).items.map((i) => catalog.idOf(i.path)!);
    const at = withValue.length - 30;
    expect(ids({ sort: { key: 'metric:m' }, offset: at, limit: 60 })).toEqual([...withValue, ...missing].slice(at, at + 60));
    expect(ids({ sort: { key: 'metric:m', order: 'desc' }, offset: at, limit: 60 })).toEqual([...withValue.slice().reverse(), ...missing].slice(at, at + 60));
    expect(ids({ sort: { key: 'added', order: 'desc' }, offset: 100, limit: 300 })).toEqual(byAdded.slice().reverse().slice(100, 400));
    expect(ids({ offset: kept.length - 5, limit: 50 })).toEqual(kept.slice().sort(byName).slice(-5));
    expect(q(engine, { filters, offset: kept.length + 5, limit: 50 })).toMatchObject({ items: [], total: kept.length });
  });
});

describe('QueryEngine reused buffers', () => {
  it('[L6] interleaved filtered queries, histograms and cached folder lists answer as a fresh engine does', () => {
    const { engine } = fixture();
    const bodies = [
      { path: '/a', recursive: true, limit: 10 },
      { filters: [{ metric: 'aesthetic', min: 0.3 }], sort: { key: 'metric:aesthetic', order: 'desc' }, limit: 10 },
      { path: '/c', filters: [{ text: 'e' }], limit: 10 },
      { path: '/a', recursive: true, sort: { key: 'added' }, limit: 10 },
      { filters: [{ tags_any: ['a', 'x'] }], limit: 10 },
    ];
    const fresh = bodies.map((b) => fixture().engine.query(queryBodySchema.parse(b)));
    const histogram = histogramBodySchema.parse({ metric: 'aesthetic', bins: 4, filters: [{ tags_any: ['a'] }] });
    const freshHistogram = fixture().engine.histogram(histogram);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < bodies.length; i++) {
        expect(engine.query(queryBodySchema.parse(bodies[i]))).toEqual(fresh[i]);
        expect(engine.histogram(histogram)).toEqual(freshHistogram);
      }
    }
  });
});

describe('QueryEngine.histogram', () => {
  it('bins the population and the filtered set, ignoring filters on its own metric', () => {
    const { engine } = fixture();
    const h = engine.histogram(
      histogramBodySchema.parse({ metric: 'aesthetic', bins: 4, filters: [{ metric: 'aesthetic', min: 0.9 }, { tags_any: ['a'] }] }),
    );
    expect(h.min).toBe(0.2);
    expect(h.max).toBe(0.99);
    expect(h.population).toEqual([1, 1, 0, 2]);
    expect(h.filtered).toEqual([0, 1, 0, 1]); // beach + sunset: the aesthetic clause is not applied
  });

  it('answers empty bins when no item has the metric', () => {
    const { engine } = fixture();
    const h = engine.histogram(histogramBodySchema.parse({ metric: 'nothing', bins: 3 }));
    expect(h).toEqual({ metric: 'nothing', min: null, max: null, population: [0, 0, 0], filtered: [0, 0, 0] });
  });

  it('scopes to a folder', () => {
    const { engine } = fixture();
    const h = engine.histogram(histogramBodySchema.parse({ metric: 'aesthetic', path: '/c', bins: 2 }));
    expect(h.population).toEqual([1, 1]);
  });
});

describe('QueryEngine.keptScopeIds', () => {
  const ids = (list: { ids: Int32Array; count: number }) => [...list.ids.subarray(0, list.count)].sort((a, b) => a - b);

  it('[L10] keeps a scope until the catalog, its metrics or the labels change, listing what scopeIds lists', () => {
    const { catalog, engine, labelMap, bump } = fixture();
    const stars: Filter[] = [{ stars: [4, 5] }];
    const first = engine.keptScopeIds('/', true, stars);
    expect(ids(first)).toEqual(ids(engine.scopeIds('/', true, stars)));
    expect(first.count).toBe(2);
    expect(engine.keptScopeIds('/', true, stars)).toBe(first);
    // Another filter or folder is another list.
    expect(engine.keptScopeIds('/a', true, stars)).not.toBe(first);
    labelMap.set('/c/desert.jpg', { star: 5 });
    bump();
    const relabeled = engine.keptScopeIds('/', true, stars);
    expect(relabeled).not.toBe(first);
    expect(relabeled.count).toBe(3);
    const metric: Filter[] = [{ metric: 'aesthetic', min: 0.9 }];
    const before = engine.keptScopeIds('/', true, metric);
    expect(before.count).toBe(2);
    catalog.setMetric('aesthetic', catalog.idOf('/a/beach.jpg')!, 0.97);
    expect(engine.keptScopeIds('/', true, metric).count).toBe(3);
    const all = engine.keptScopeIds('/', true, []);
    catalog.upsert({ path: '/a/new.jpg', type: 'image/jpeg', w: 1, h: 1, addedMs: 0 });
    expect(engine.keptScopeIds('/', true, []).count).toBe(all.count + 1);
  });

  it('[L10] does not keep a filtered scope without a label revision', () => {
    const catalog = new Catalog();
    catalog.upsert({ path: '/a.jpg', type: 'image/jpeg', w: 1, h: 1, addedMs: 0 });
    const labelMap = new Map<string, Partial<LabelSnapshot>>([['/a.jpg', { star: 3 }]]);
    const engine = new QueryEngine({ catalog, labels: labelsOf(labelMap) });
    const filters: Filter[] = [{ stars: [3] }];
    expect(engine.keptScopeIds('/', true, filters).count).toBe(1);
    labelMap.set('/a.jpg', { star: 1 });
    expect(engine.keptScopeIds('/', true, filters).count).toBe(0);
  });
});
