import { describe, expect, it, vi } from 'vitest';
import { queryBodySchema } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import type { LabelLookup, LabelSnapshot } from '../labels/label-lookup.js';
import { QueryEngine } from './query-engine.js';
import * as windowSelect from './window-select.js';

// Counts the selections the engine starts, running the real ones.
vi.mock('./window-select.js', async (original) => {
  const real = await original<typeof import('./window-select.js')>();
  return { ...real, selectionSteps: vi.fn(real.selectionSteps) };
});
const selections = vi.mocked(windowSelect.selectionSteps);

function fixture(rows = 3000) {
  const catalog = new Catalog();
  for (let i = 0; i < rows; i++) {
    const id = catalog.upsert({ path: `/d${i % 7}/IMG_${(i * 7919) % rows}.jpg`, type: 'image/jpeg', w: 100 + (i % 50), h: 100, addedMs: (i % 97) * 1000 });
    catalog.setMetric('m', id, i % 11 === 0 ? NaN : (i * 31) % 101);
  }
  const labels = new Map<string, LabelSnapshot>();
  let revision = 0;
  const lookup: LabelLookup = {
    peek: (path) => labels.get(path),
    forEachLabeled: (visit) => {
      for (const [path, l] of labels) visit(path, l);
    },
  };
  const star = (path: string, star: number) => {
    labels.set(path, { star, flag: null, tags: [], notes: '', version: 1, metrics: {} });
    revision++;
  };
  const engine = (options: { selectChunk?: number; indexing?: () => boolean } = {}) => new QueryEngine({ catalog, labels: lookup, labelRevision: () => revision, buildSliceMs: 0, ...options });
  return { catalog, engine, star };
}

const turns = () => {
  let n = 0;
  let on = true;
  const tick = () => {
    if (!on) return;
    n++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    on = false;
    return n;
  };
};

describe('first windows selected while the order builds', () => {
  it('[TK2] repeats of a window reuse its selection until the order is built', async () => {
    const { engine } = fixture();
    const selecting = engine();
    const body = queryBodySchema.parse({ sort: { key: 'metric:m', order: 'desc' }, filters: [{ width: { gte: 120 } }], limit: 50 });
    const calls = selections.mock.calls.length;
    const answers = [];
    for (let i = 0; i < 5; i++) {
      await selecting.ready(body.sort!, body);
      answers.push(selecting.query(body));
      // A smaller window of the same list is read from the same selection.
      answers.push(selecting.query({ ...body, offset: 10, limit: 20 }));
    }
    expect(selecting.orderBuilt(body.sort!)).toBe(false);
    expect(selections.mock.calls.length - calls).toBe(1);
    const built = engine();
    expect(answers[0]).toEqual(built.query(body));
    expect(answers.at(-1)).toEqual(built.query({ ...body, offset: 10, limit: 20 }));
  });

  it('[TK2] a kept selection is not used once the labels or the catalog change', async () => {
    const { catalog, engine, star } = fixture();
    const selecting = engine();
    const body = queryBodySchema.parse({ sort: { key: 'random', seed: 3 }, filters: [{ stars: [0] }], limit: 30 });
    await selecting.ready(body.sort!, body);
    const first = selecting.query(body);
    star(first.items[0]!.path, 4);
    await selecting.ready(body.sort!, body);
    const second = selecting.query(body);
    expect(second.items.map((i) => i.path)).not.toContain(first.items[0]!.path);
    expect(second).toEqual(engine().query(body));
    catalog.remove(catalog.idOf(first.items[1]!.path)!);
    const third = selecting.query(body);
    expect(third).toEqual(engine().query(body));
    expect(third.total).toBe(second.total - 1);
  });

  it('[TK3] ready selects the window in steps, letting the event loop turn, and concurrent requests share them', async () => {
    const { engine } = fixture();
    const selecting = engine({ selectChunk: 100 });
    const body = queryBodySchema.parse({ sort: { key: 'added', order: 'asc' }, path: '/d3', filters: [{ text: 'img_1' }], offset: 5, limit: 40 });
    const calls = selections.mock.calls.length;
    const stop = turns();
    await Promise.all([selecting.ready(body.sort!, body), selecting.ready(body.sort!, body), selecting.ready(body.sort!, body)]);
    // Five chunks of the folder: the loop turned between them (each ready also drives the build).
    expect(stop()).toBeGreaterThan(3);
    expect(selections.mock.calls.length - calls).toBe(1);
    expect(selecting.query(body)).toEqual(engine().query(body));
    expect(selections.mock.calls.length - calls).toBe(1);
  });

  it('[TK3] /folders windows are selected ahead the same way, by their listing order', async () => {
    const { catalog, engine } = fixture();
    const selecting = engine({ selectChunk: 64 });
    const window = { path: '/d2', recursive: false, order: 'desc' as const, offset: 0, limit: 25 };
    const calls = selections.mock.calls.length;
    await selecting.ready({ key: 'random', seed: 9 }, window);
    expect(selections.mock.calls.length - calls).toBe(1);
    const request = { dirId: catalog.dirOfPath('/d2')!.id, recursive: false, filters: [], sort: { key: 'random', order: 'desc' as const, seed: 9 }, offset: 0, limit: 25 };
    const listed = selecting.list(request);
    expect(selections.mock.calls.length - calls).toBe(1);
    expect(listed).toEqual(engine().list(request));
  });

  it('[TK4] while indexing, a selection serves its list for a second though the catalog grows', async () => {
    const { catalog, engine } = fixture();
    let indexing = true;
    const selecting = engine({ indexing: () => indexing });
    const body = queryBodySchema.parse({ limit: 20 });
    const calls = selections.mock.calls.length;
    await selecting.ready(body.sort ?? { key: 'name' }, body);
    const first = selecting.query(body);
    // Inserts move the catalog's generation; the kept selection still answers, without the new item.
    catalog.upsert({ path: '/d0/A_first.jpg', type: 'image/jpeg' });
    await selecting.ready(body.sort ?? { key: 'name' }, body);
    const second = selecting.query(body);
    expect(selections.mock.calls.length - calls).toBe(1);
    expect(second.items).toEqual(first.items);
    // An item removed since is left out of the window.
    catalog.remove(catalog.idOf(first.items[0]!.path)!);
    expect(selecting.query(body).items.map((i) => i.path)).not.toContain(first.items[0]!.path);
    // Indexing done: the list is the catalog's as it is.
    indexing = false;
    await selecting.ready(body.sort ?? { key: 'name' }, body);
    const done = selecting.query(body);
    expect(done).toEqual(engine().query(body));
    expect(done.items[0]!.path).toBe('/d0/A_first.jpg');
  });
});
