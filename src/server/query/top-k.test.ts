import { describe, expect, it } from 'vitest';
import { type Filter, queryBodySchema } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import type { LabelLookup, LabelSnapshot } from '../labels/label-lookup.js';
import { QueryEngine } from './query-engine.js';

/** A catalog full of ties: one name in several folders, case and zero-padding twins, few distinct values, NaNs, -0. */
function fixture() {
  const catalog = new Catalog();
  let seed = 11;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const stems = ['img', 'IMG', 'Img0', 'photo-', 'a'];
  for (let i = 0; i < 4000; i++) {
    const name = `${stems[i % stems.length]}${Math.floor(rnd() * 300)}${i % 9 === 0 ? '.JPG' : '.jpg'}`;
    const path = `/f${i % 13}/${i % 4 === 0 ? 'sub/' : ''}${name}`;
    const id = catalog.upsert({ path, type: 'image/jpeg', w: 100, h: 100, addedMs: Math.floor(rnd() * 50) * 1000 });
    const r = rnd();
    catalog.setMetric('m', id, r < 0.1 ? NaN : r < 0.15 ? -0 : Math.floor(rnd() * 5));
    catalog.setMetric('n', id, r < 0.5 ? NaN : rnd());
  }
  const labels = new Map<string, LabelSnapshot>();
  for (let id = 0; id < catalog.size; id += 37) {
    labels.set(catalog.paths[id]!, { star: id % 3, flag: null, tags: [], notes: '', version: 1, metrics: { m: id % 2 ? 2 : 7.5, only: id % 5 } });
  }
  const lookup: LabelLookup = {
    peek: (path) => labels.get(path),
    forEachLabeled: (visit) => {
      for (const [path, l] of labels) visit(path, l);
    },
  };
  return { catalog, lookup };
}

const cases: { sort: { key: string; order: 'asc' | 'desc'; seed?: number }; filters: Filter[]; path?: string; offset: number; limit: number }[] = [];
for (const key of ['name', 'added', 'random', 'metric:m', 'metric:n', 'metric:only', 'metric:none']) {
  for (const order of ['asc', 'desc'] as const) {
    cases.push({ sort: { key, order, seed: 5 }, filters: [], offset: 0, limit: 200 });
    cases.push({ sort: { key, order, seed: 5 }, filters: [], offset: 3500, limit: 600 });
    cases.push({ sort: { key, order, seed: 5 }, filters: [{ stars: [0, 2] }, { text: 'img' }], offset: 40, limit: 100 });
    cases.push({ sort: { key, order, seed: 5 }, filters: [], path: '/f3', offset: 10, limit: 50 });
  }
}

describe('first windows selected while the order builds', () => {
  it('[TK1] hold the same ids in the same order as the built order, ties, missing values and label metrics included', async () => {
    const { catalog, lookup } = fixture();
    for (const c of cases) {
      const body = queryBodySchema.parse({ sort: c.sort, filters: c.filters, path: c.path ?? '/', offset: c.offset, limit: c.limit });
      // A build of one step per turn: still running when `ready` resolves, so the window is selected.
      const selecting = new QueryEngine({ catalog, labels: lookup, labelRevision: () => 0, buildSliceMs: 0 });
      await selecting.ready(body.sort!, body);
      const selected = selecting.query(body);
      expect(selecting.orderBuilt(body.sort!)).toBe(false); // the window was selected, not read from the order
      const built = new QueryEngine({ catalog, labels: lookup, labelRevision: () => 0 }).query(body);
      expect(selected, JSON.stringify(c)).toEqual(built);
    }
  });

  it('[TK1] a window past the selection bound, or around an item, waits for the whole order', async () => {
    const { catalog, lookup } = fixture();
    const engine = new QueryEngine({ catalog, labels: lookup, labelRevision: () => 0, buildSliceMs: 0 });
    const far = queryBodySchema.parse({ sort: { key: 'metric:m' }, offset: 20_000, limit: 10 });
    let done = false;
    const waiting = engine.ready(far.sort!, far).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    await waiting;
    expect(engine.query(far).total).toBe(catalog.size);
  });
});
