import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryBodySchema } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { compareByName } from './name-order.js';
import { QueryEngine, type ListRequest } from './query-engine.js';

// Counts the steps of whole-catalog order builds taken while a request runs (`probe.inRequest`):
// those are builds done at once on the request path, which OB1 rules out while indexing.
const probe = vi.hoisted(() => ({ inRequest: false, steps: 0, events: [] as string[] }));
vi.mock('./sorters.js', async (original) => {
  const real = await original<typeof import('./sorters.js')>();
  const counted = <A extends unknown[], R>(make: (...args: A) => Generator<void, R>) =>
    function* (...args: A): Generator<void, R> {
      const steps = make(...args);
      for (;;) {
        if (probe.inRequest) probe.steps++;
        probe.events.push('build');
        const next = steps.next();
        if (next.done) return next.value;
        yield;
      }
    };
  return {
    ...real,
    nameOrderSteps: counted(real.nameOrderSteps),
    addedOrderSteps: counted(real.addedOrderSteps),
    valueOrderSteps: counted(real.valueOrderSteps),
    randomOrderSteps: counted(real.randomOrderSteps),
  };
});

// Logs the steps of window selections (TK3) beside those of builds.
vi.mock('./window-select.js', async (original) => {
  const real = await original<typeof import('./window-select.js')>();
  return {
    ...real,
    selectionSteps: function* (ask: Parameters<typeof real.selectionSteps>[0]) {
      const steps = real.selectionSteps(ask);
      for (;;) {
        probe.events.push('select');
        const next = steps.next();
        if (next.done) return next.value;
        yield;
      }
    },
  };
});

const NO_LABELS: LabelLookup = { peek: () => undefined, forEachLabeled: () => undefined };

function growingCatalog(rows = 3000) {
  const catalog = new Catalog();
  let added = 0;
  const add = () => {
    const i = added++;
    const id = catalog.upsert({ path: `/d${i % 7}/IMG_${(i * 7919) % 100_003}.jpg`, type: 'image/jpeg', w: 100, h: 100, addedMs: (i % 97) * 1000 });
    catalog.setMetric('m', id, i % 11 === 0 ? NaN : (i * 31) % 101);
  };
  for (let i = 0; i < rows; i++) add();
  // An indexer: a few rows more on every turn of the event loop, as a table load or folder scan does.
  let on = true;
  const tick = () => {
    if (!on) return;
    for (let k = 0; k < 5; k++) add();
    setImmediate(tick);
  };
  setImmediate(tick);
  return { catalog, stop: () => (on = false) };
}

/** Runs `list` as a request: order-build steps taken inside it are counted. */
function inRequest<T>(list: () => T): T {
  probe.inRequest = true;
  try {
    return list();
  } finally {
    probe.inRequest = false;
  }
}

afterEach(() => {
  probe.steps = 0;
  probe.events = [];
});

describe('orders while indexing', () => {
  it('[OB1] no request builds a whole order at once while the catalog grows, selectable windows or not', async () => {
    const { catalog, stop } = growingCatalog();
    let indexing = true;
    const engine = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0, indexing: () => indexing, buildSliceMs: 0 });
    const byName = compareByName(catalog.paths);
    const bodies = [
      queryBodySchema.parse({ limit: 50 }),
      queryBodySchema.parse({ sort: { key: 'metric:m', order: 'desc' }, filters: [{ width: { gte: 50 } }], limit: 40 }),
      queryBodySchema.parse({ sort: { key: 'added', order: 'asc' }, offset: 20_000, limit: 10 }),
      queryBodySchema.parse({ sort: { key: 'random', seed: 4 }, path: '/d2', limit: 30 }),
    ];
    for (let round = 0; round < 4; round++) {
      for (const body of bodies) {
        await engine.ready(body.sort ?? { key: 'name' }, body);
        const window = inRequest(() => engine.query(body));
        if (body.sort === undefined) for (let i = 1; i < window.items.length; i++) expect(byName(catalog.idOf(window.items[i - 1]!.path)!, catalog.idOf(window.items[i]!.path)!)).toBeLessThan(0);
      }
      // A deep link: never selected, it waits for an order in `ready` (built for the catalog as it was).
      const around = catalog.paths[17]!;
      const request: ListRequest = { dirId: 0, recursive: true, filters: [], sort: { key: 'metric:m', order: 'asc', seed: 0 }, offset: 0, limit: 25, around };
      await engine.ready(request.sort, { offset: 0, limit: 25, around });
      expect(inRequest(() => engine.list(request)).items.map((i) => i.path)).toContain(around);
    }
    expect(probe.steps).toBe(0);
    // Indexing done: the lists are the catalog's as it is.
    stop();
    indexing = false;
    for (const body of bodies) {
      await engine.ready(body.sort ?? { key: 'name' }, body);
      expect(engine.query(body)).toEqual(new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0 }).query(body));
    }
    // The builds still queued finish here, not in the next test.
    await Promise.all(bodies.map((body) => engine.prepare(body.sort ?? { key: 'name' })));
  });

  it('[OB1][L1] a small folder sorted by its own keys holds items no order has yet, in the order of the catalog as it is', async () => {
    const { catalog, stop } = growingCatalog();
    const engine = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0, indexing: () => true, buildSliceMs: 0 });
    await engine.prepare({ key: 'name' });
    stop();
    // Added after the name order was built: not in its ranks.
    for (let i = 0; i < 20; i++) catalog.upsert({ path: `/late/late_${(i * 7) % 20}.jpg`, type: 'image/jpeg', addedMs: (i % 3) * 1000 });
    const request: ListRequest = { dirId: catalog.dirOfPath('/late')!.id, recursive: false, filters: [{ text: "late_" }], sort: { key: "added", order: "asc", seed: 0 }, offset: 0, limit: 20 };
    const listed = engine.list(request).items.map((i) => i.path);
    const reference = new QueryEngine({ catalog, labels: NO_LABELS }).list(request).items.map((i) => i.path);
    expect(listed).toEqual(reference);
    expect(listed).toHaveLength(20);
  });

  it('[OB3] an order, list or selection made while the catalog was empty never serves once it holds items', async () => {
    const catalog = new Catalog();
    const engine = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0, indexing: () => true, buildSliceMs: 0 });
    const bodies = [queryBodySchema.parse({ limit: 20 }), queryBodySchema.parse({ sort: { key: 'metric:m', order: 'desc' }, limit: 20 })];
    // A client polling from the moment the server listens: its first requests find nothing indexed.
    for (const body of bodies) {
      await engine.ready(body.sort ?? { key: 'name' }, body);
      expect(engine.query(body).items).toHaveLength(0);
      await engine.prepare(body.sort ?? { key: 'name' });
      expect(engine.query(body).items).toHaveLength(0);
    }
    // The first slice of rows lands well within a second (INDEXING_STALE_MS) of those answers.
    for (let i = 0; i < 50; i++) {
      const id = catalog.upsert({ path: `/a/img_${i}.jpg`, type: 'image/jpeg', addedMs: i });
      catalog.setMetric('m', id, i);
    }
    for (const body of bodies) {
      await engine.ready(body.sort ?? { key: 'name' }, body);
      expect(engine.query(body).items).toHaveLength(20);
      expect(engine.query(body).total).toBe(50);
    }
    await Promise.all(bodies.map((body) => engine.prepare(body.sort ?? { key: 'name' })));
  });

  it('[OB2] builds wait while a request selects its window in slices, then go on', async () => {
    const { catalog, stop } = growingCatalog(6000);
    stop();
    const engine = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0, buildSliceMs: 0, selectChunk: 200 });
    // Builds in the background, as `warm` starts them after a load.
    const warming = engine.prepare({ key: 'name' });
    await new Promise((resolve) => setImmediate(resolve));
    const body = queryBodySchema.parse({ sort: { key: 'metric:m', order: 'desc' }, filters: [{ width: { gte: 50 } }], limit: 40 });
    probe.events = [];
    await engine.ready(body.sort!, body);
    const first = probe.events.indexOf('select');
    const last = probe.events.lastIndexOf('select');
    expect(last - first).toBeGreaterThan(20); // selected in many steps, with turns of the loop between them
    expect(probe.events.slice(first, last + 1)).not.toContain('build');
    expect(engine.query(body)).toEqual(new QueryEngine({ catalog, labels: NO_LABELS }).query(body));
    await warming;
    await engine.prepare(body.sort!);
    expect(engine.orderBuilt(body.sort!)).toBe(true);
  });

  it('[OB4] background builds wait between their slices while a listing request is in flight; one it waits for does not', async () => {
    const { catalog, stop } = growingCatalog(6000);
    stop();
    const engine = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0, buildSliceMs: 0 });
    const warming = engine.prepare({ key: 'name' }, false);
    await new Promise((resolve) => setImmediate(resolve));
    const finished = engine.requestStarted();
    probe.events = [];
    // A request's turns of the event loop (body, handler, reply): no build slice runs in between.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(probe.events).toEqual([]);
    // A build the request itself waits for goes on.
    await engine.prepare({ key: 'metric:m' });
    expect(engine.orderBuilt({ key: 'metric:m' })).toBe(true);
    finished();
    await warming;
    expect(engine.orderBuilt({ key: 'name' })).toBe(true);
  });
});
