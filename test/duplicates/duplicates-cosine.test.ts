import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicatesResponse } from '../../src/protocol/duplicates.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { expectWireResponse } from '../support/wire.js';

/**
 * [DU9]–[DU11] `POST /duplicates { embedding, min_score }` over vectors a worker attached: groups
 * by cosine, best first, through the same route and answer as the perceptual hashes.
 */
let server: TestServer;

/** Sizes tell the best of a group: more pixels first, then the larger file. */
const TREE = {
  'a/cat-small.jpg': { w: 8, h: 8 },
  'a/cat-big.jpg': { w: 32, h: 32 },
  'b/cat-mid.jpg': { w: 16, h: 16 },
  'a/dog-1.jpg': { w: 8, h: 8 },
  'b/dog-2.jpg': { w: 12, h: 12 },
  'a/tree.jpg': { w: 8, h: 8 },
  'b/car.jpg': { w: 10, h: 10 },
  'b/none.jpg': { w: 8, h: 8 },
};

/** Unit vectors at known angles: cos(θ) between two of one family is what the test expects. */
const at = (axis: number, tilt: number, other = 1): number[] => {
  const v = [0, 0, 0, 0, 0, 0];
  v[axis] = Math.cos(tilt);
  v[other] = Math.sin(tilt);
  return v;
};
// cat-big · cat-mid = cos(0.1) ≈ 0.995, cat-mid · cat-small = cos(0.2) ≈ 0.980, cat-big · cat-small = cos(0.3) ≈ 0.955.
const VECTORS: Record<string, number[]> = {
  '/a/cat-big.jpg': at(0, 0),
  '/b/cat-mid.jpg': at(0, 0.1),
  '/a/cat-small.jpg': at(0, 0.3),
  '/a/dog-1.jpg': at(2, 0, 3),
  '/b/dog-2.jpg': at(2, 0.25, 3),
  '/a/tree.jpg': at(4, 0),
  '/b/car.jpg': at(5, 0),
};

beforeAll(async () => {
  server = await startTestServer(TREE);
  const put = await fetch(`${server.url}/embeddings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ embedding: 'clip', items: Object.entries(VECTORS).map(([path, vector]) => ({ path, vector })) }),
  });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

async function post(body: unknown): Promise<{ status: number; body: DuplicatesResponse & { error?: { code: string } } }> {
  const response = await fetch(`${server.url}/duplicates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  expectWireResponse('POST', `${server.url}/duplicates`, response.status, json);
  return { status: response.status, body: json };
}

const groups = (r: DuplicatesResponse) => r.groups.map((g) => [g.items.map((i) => i.path), Number(g.distance.toFixed(3))]);

describe('POST /duplicates by an embedding', () => {
  it('[DU9] groups items whose vectors link at min_score or above, best first, with the weakest link; 0.95 by default', async () => {
    const found = await post({ embedding: 'clip' });
    expect(found.status).toBe(200);
    expect(groups(found.body)).toEqual([
      [['/a/cat-big.jpg', '/b/cat-mid.jpg', '/a/cat-small.jpg'], Number(Math.cos(0.2).toFixed(3))],
      [['/b/dog-2.jpg', '/a/dog-1.jpg'], Number(Math.cos(0.25).toFixed(3))],
    ]);
    expect(found.body).toMatchObject({ min_score: 0.95, total: 8, pending: 0 });
    expect(found.body.max_distance).toBeUndefined();
  });

  it('[DU9] a higher min_score splits the chain at its weakest link; a lower one joins nothing unrelated', async () => {
    expect(groups((await post({ embedding: 'clip', min_score: 0.99 })).body)).toEqual([[['/a/cat-big.jpg', '/b/cat-mid.jpg'], Number(Math.cos(0.1).toFixed(3))]]);
    // cat-small links to cat-mid (0.980) even though it is 0.955 from the best: groups are connected parts.
    expect(groups((await post({ embedding: 'clip', min_score: 0.97 })).body)).toEqual([[['/a/cat-big.jpg', '/b/cat-mid.jpg', '/a/cat-small.jpg'], Number(Math.cos(0.2).toFixed(3))]]);
    expect(groups((await post({ embedding: 'clip', min_score: 0.5 })).body).map((g) => g[0])).toEqual([
      ['/a/cat-big.jpg', '/b/cat-mid.jpg', '/a/cat-small.jpg'],
      ['/b/dog-2.jpg', '/a/dog-1.jpg'],
    ]);
  });

  it('[DU10] looks only in the folder asked for; an item without a vector is in no group', async () => {
    expect(groups((await post({ embedding: 'clip', path: '/a', min_score: 0.9 })).body).map((g) => g[0])).toEqual([['/a/cat-big.jpg', '/a/cat-small.jpg']]);
    const b = await post({ embedding: 'clip', path: '/b' });
    expect([groups(b.body), b.body.total]).toEqual([[], 4]);
  });

  it('[DU10] a vector written after a grouping is in the next one', async () => {
    const put = await fetch(`${server.url}/embeddings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ embedding: 'clip', items: [{ path: '/b/car.jpg', vector: at(4, 0.05) }] }),
    });
    expect(put.status).toBe(200);
    expect(groups((await post({ embedding: 'clip' })).body).map((g) => g[0])).toEqual([
      ['/a/cat-big.jpg', '/b/cat-mid.jpg', '/a/cat-small.jpg'],
      ['/b/car.jpg', '/a/tree.jpg'],
      ['/b/dog-2.jpg', '/a/dog-1.jpg'],
    ]);
  });

  it('[DU11] an unknown embedding is 400 embedding_unknown; a bad min_score 400 invalid_body', async () => {
    const cases: [unknown, number, string][] = [
      [{ embedding: 'nope' }, 400, 'embedding_unknown'],
      [{ embedding: 'nope', min_score: 0.9 }, 400, 'embedding_unknown'],
      [{ embedding: 'clip', min_score: 1.5 }, 400, 'invalid_body'],
      [{ embedding: 'clip', min_score: -2 }, 400, 'invalid_body'],
      [{ embedding: 'clip', min_score: '0.9' }, 400, 'invalid_body'],
      [{ embedding: 'clip', min_score: 0.9, max_distance: 3 }, 400, 'invalid_body'],
      [{ embedding: 'clip', path: '/nowhere' }, 404, 'folder_not_found'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post(body);
      expect([body, answer.status, answer.body.error?.code]).toEqual([body, status, code]);
    }
  });
});
