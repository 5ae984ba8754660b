import { describe, expect, it } from 'vitest';
import { pick, seededRandom as random } from '../../../test/factories/seeded-random.js';
import { queryBodySchema } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import { hasLabelsOrMetrics, type LabelLookup, type LabelSnapshot } from '../labels/label-lookup.js';
import { LiveLabelIndex, MASKED_TAGS } from './label-index.js';
import { QueryEngine } from './query-engine.js';


const PATHS = Array.from({ length: 40 }, (_, i) => `/${['a', 'b', 'a/c'][i % 3]}/${i}.jpg`);
/** More than MASKED_TAGS, so some entries keep tags past the mask; the filters ask for both kinds. */
const TAGS = Array.from({ length: 40 }, (_, i) => `t${i}`).concat(['cat', 'dog', 'bird', 'fish']);

/** A label projection in miniature: a Map, and `changed` told of every set, as the label service's listener is. */
function labelsWithWatch() {
  const rows = new Map<string, LabelSnapshot>();
  const listeners = new Set<(path: string | undefined) => void>();
  const lookup: LabelLookup = {
    peek: (path) => rows.get(path),
    forEachLabeled: (visit) => {
      for (const [path, s] of rows) if (hasLabelsOrMetrics(s)) visit(path, s);
    },
  };
  const set = (path: string, s: LabelSnapshot | undefined) => {
    if (s) rows.set(path, s);
    else rows.delete(path);
    for (const l of listeners) l(path);
  };
  const watch = (changed: (path: string | undefined) => void) => {
    listeners.add(changed);
    return () => listeners.delete(changed);
  };
  const reload = () => {
    for (const l of listeners) l(undefined);
  };
  return { lookup, set, watch, reload };
}

/** The index's entries by path, every column read back into names. */
function entries(catalog: Catalog, index: ReturnType<LiveLabelIndex['current']>) {
  const out = new Map<string, unknown>();
  for (let i = 0; i < index.ids.length; i++) {
    const id = index.ids[i]!;
    expect(index.positionOf[id]).toBe(i);
    out.set(catalog.paths[id]!, {
      labels: index.labels[i],
      star: index.stars[i],
      flag: index.flags[i],
      labeled: index.labeled[i],
      writer: index.writers[i]! < 0 ? undefined : index.writerNames[index.writers[i]!],
      tags: [...index.tagNames.keys()].filter((n) => (n < MASKED_TAGS ? (index.tagMasks[i]! >>> n) & 1 : index.moreTags.get(i)?.includes(n))).map((n) => index.tagNames[n])
        .sort(),
    });
  }
  return out;
}

describe('label index', () => {
  it('[L9] patched change by change it equals one built from scratch, and a watched engine answers as an unwatched one', () => {
    for (const seed of [1, 2, 3, 4]) {
      const next = random(seed);
      const catalog = new Catalog();
      for (const path of PATHS) catalog.insertNew({ path, type: 'image/jpeg', w: 100 + PATHS.indexOf(path), h: 10 });
      const { lookup, set, watch, reload } = labelsWithWatch();
      let revision = 0;
      const live = new LiveLabelIndex(catalog, lookup, () => revision, watch);
      const watched = new QueryEngine({ catalog, labels: lookup, labelRevision: () => revision, labelWatch: watch, buildSliceMs: 0 });
      const bodies = [
        { filters: [{ stars: [0, 4] }] },
        { filters: [{ flags: ['pick', 'none'] }] },
        { filters: [{ tags_any: ['cat', 'x', 't3'] }] },
        { filters: [{ tags_all: ['cat', 'dog'] }] },
        { filters: [{ tags_all: ['t1', 'dog'] }] },
        { filters: [{ tags_none: ['bird', 't2'] }] },
        { filters: [{ metric: 'm', min: 0.5 }] },
        { filters: [{ text: 'NOTE' }], sort: { key: 'metric:m', order: 'desc' } },
      ].map((b) => queryBodySchema.parse({ limit: 100, ...b }));
      for (let step = 0; step < 300; step++) {
        const path = pick(next, PATHS);
        const roll = next();
        if (roll < 0.7) {
          set(path, {
            star: next() < 0.3 ? null : Math.floor(next() * 6),
            flag: pick(next, [null, null, 'pick', 'reject'] as const),
            tags: TAGS.filter(() => next() < 0.1),
            notes: next() < 0.2 ? 'a note' : '',
            version: step,
            metrics: (next() < 0.3 ? { m: next() } : {}) as Record<string, number>,
            updated_by: next() < 0.8 ? pick(next, ['ann', 'bob']) : undefined,
          });
        } else if (roll < 0.85) set(path, undefined);
        else if (roll < 0.9) {
          // The catalog changes: an item goes, or comes back.
          const id = catalog.idOf(path);
          if (id !== undefined) catalog.remove(id);
          else catalog.upsert({ path, type: 'image/jpeg', w: 100, h: 10 });
        } else if (roll < 0.92) reload();
        revision++;
        if (next() < 0.3) {
          const fresh = new LiveLabelIndex(catalog, lookup, undefined, undefined);
          expect(entries(catalog, live.current()), `seed ${seed} step ${step}`).toEqual(entries(catalog, fresh.current()));
          const unwatched = new QueryEngine({ catalog, labels: lookup, labelRevision: () => revision, buildSliceMs: 0 });
          for (const body of bodies) expect(watched.query(body), `seed ${seed} step ${step} ${JSON.stringify(body)}`).toEqual(unwatched.query(body));
        }
      }
    }
  });
});
