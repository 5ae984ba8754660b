import { describe, expect, it } from 'vitest';
import { queryBodySchema } from '../../protocol/query.js';
import { Catalog } from '../catalog/catalog.js';
import type { LabelLookup, LabelSnapshot } from '../labels/label-lookup.js';
import { QueryEngine } from './query-engine.js';

const NAMES = ['IMG_0012.JPG', 'img_00012.jpg', 'ΟΔΟΣ.png', 'İstanbul.jpg', 'Straße.jpg', 'STRASSE.jpg', 'a😀b.jpg', 'ab.jpg', 'x', 'Ab', 'café.jpg', 'CAFÉ.JPG', 'ǅemal.jpg'];
const NEEDLES = ['img_0', 'IMG_00012', ' Img ', 'j', 'jp', '.jpg', 'οδος', 'ος.', 'i̇stan', 'istan', 'straße', 'strasse', '😀', 'a😀', 'b.', 'café', 'CAFÉ', 'ǆem', 'dir2/s', 'sub', 'note', 'zzz', '/'];

function fixture() {
  const catalog = new Catalog();
  const add = (i: number) => catalog.upsert({ path: `/Dir${i % 3}/${i % 2 ? 'Sub/' : ''}${NAMES[i % NAMES.length]!.replace('.', `${i}.`)}`, type: 'image/jpeg' });
  for (let i = 0; i < 200; i++) add(i);
  const labels = new Map<string, LabelSnapshot>([[catalog.paths[5]!, { star: null, flag: null, tags: [], notes: 'A NOTE on it', version: 1, metrics: {} }]]);
  const lookup: LabelLookup = {
    peek: (path) => labels.get(path),
    forEachLabeled: (visit) => {
      for (const [path, l] of labels) visit(path, l);
    },
  };
  return { catalog, add, engine: new QueryEngine({ catalog, labels: lookup, labelRevision: () => 0 }), labels };
}

/** The rule itself, id by id. */
function reference(catalog: Catalog, labels: Map<string, LabelSnapshot>, text: string): string[] {
  const needle = text.trim().toLowerCase();
  const hits = catalog.paths.filter((p, id) => catalog.alive[id] && (needle === '' || p.toLowerCase().includes(needle) || (labels.get(p)?.notes.toLowerCase().includes(needle) ?? false)));
  return hits.sort();
}

const listed = (engine: QueryEngine, text: string) => engine.query(queryBodySchema.parse({ filters: [{ text }], limit: 1000 })).items.map((i) => i.path).sort();

describe('the text filter', () => {
  it('[F1] keeps exactly the items whose lower-cased path or notes contain the lower-cased needle, non-ASCII included', async () => {
    const { catalog, engine, labels } = fixture();
    await engine.warm();
    for (const needle of NEEDLES) expect(listed(engine, needle), needle).toEqual(reference(catalog, labels, needle));
  });

  it('[F1] covers items added after the paths were read ahead', async () => {
    const { catalog, add, engine, labels } = fixture();
    await engine.warm();
    for (let i = 200; i < 260; i++) add(i);
    for (const needle of NEEDLES) expect(listed(engine, needle), needle).toEqual(reference(catalog, labels, needle));
  });
});
