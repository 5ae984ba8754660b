import { afterEach, expect, it } from 'vitest';
import type { EmbeddingStore, StoredVector } from './embedding-store.js';

/**
 * The EmbeddingStore contract (SPEC.md EM8). `makeStore` opens a fresh, empty store; `reopen`
 * closes one and opens its location again; `peer` (shared stores only) opens a second handle on
 * the same location, as another server would.
 */
export interface EmbeddingStoreHooks {
  reopen(store: EmbeddingStore): Promise<EmbeddingStore>;
  peer?(store: EmbeddingStore): Promise<EmbeddingStore>;
}

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);
const item = (path: string, ...xs: number[]): StoredVector => ({ path, vector: v(...xs) });

async function all(store: EmbeddingStore, name: string): Promise<[string, number[]][]> {
  const out: [string, number[]][] = [];
  for await (const s of store.vectors(name)) out.push([s.path, Array.from(s.vector)]);
  return out;
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function runEmbeddingStoreContract(makeStore: () => Promise<EmbeddingStore>, hooks: EmbeddingStoreHooks): void {
  let open: EmbeddingStore[] = [];
  const make = async () => {
    const s = await makeStore();
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open) await s.close().catch(() => undefined);
    open = [];
  });

  it('[EM8] a new store holds nothing; vectors come back bit for bit in first-stored order, an overwrite keeping its place', async () => {
    const store = await make();
    expect(await store.embeddings()).toEqual([]);
    expect(await all(store, 'clip')).toEqual([]);
    await store.put('clip', 2, [item('/b.jpg', 0.6, 0.8), item('/a.jpg', 1, 0)]);
    await store.put('clip', 2, [item('/c.jpg', 0, 1), item('/b.jpg', Math.fround(0.1), 0.5)]);
    expect(await store.embeddings()).toEqual([{ name: 'clip', dim: 2 }]);
    expect(await all(store, 'clip')).toEqual([
      ['/b.jpg', [Math.fround(0.1), 0.5]],
      ['/a.jpg', [1, 0]],
      ['/c.jpg', [0, 1]],
    ]);
  });

  it('[EM8] one batch naming a path twice keeps the last vector; embeddings are separate', async () => {
    const store = await make();
    await store.put('a', 1, [item('/x.jpg', 1), item('/x.jpg', -1)]);
    await store.put('b', 3, [item('/x.jpg', 1, 2, 3)]);
    expect(await store.embeddings()).toEqual([
      { name: 'a', dim: 1 },
      { name: 'b', dim: 3 },
    ]);
    expect(await all(store, 'a')).toEqual([['/x.jpg', [-1]]]);
    expect(await all(store, 'b')).toEqual([['/x.jpg', [1, 2, 3]]]);
  });

  it('[EM8] a batch of another length than the stored embedding is refused whole', async () => {
    const store = await make();
    await store.put('clip', 2, [item('/a.jpg', 1, 0)]);
    await expect(store.put('clip', 3, [item('/a.jpg', 0, 0, 1), item('/n.jpg', 1, 0, 0)])).rejects.toMatchObject({ code: 'invalid_body' });
    expect(await all(store, 'clip')).toEqual([['/a.jpg', [1, 0]]]);
  });

  it('[EM8] what was stored is there after a reopen, many vectors in order', async () => {
    let store = await make();
    const many = Array.from({ length: 1200 }, (_, i) => item(`/${String(i).padStart(4, '0')}.jpg`, i, -i));
    await store.put('big', 2, many);
    store = await hooks.reopen(store);
    open.push(store);
    expect(await store.embeddings()).toEqual([{ name: 'big', dim: 2 }]);
    const back = await all(store, 'big');
    expect(back.length).toBe(1200);
    expect(back[0]).toEqual(['/0000.jpg', [0, -0]]);
    expect(back[1199]).toEqual(['/1199.jpg', [1199, -1199]]);
  });

  if (hooks.peer) {
    const peerOf = hooks.peer;
    it('[EM8] a peer hears of a write and catches up from its cursor with exactly what changed, overwrites included', async () => {
      const a = await make();
      const b = await peerOf(a);
      open.push(b);
      await a.put('clip', 2, [item('/a.jpg', 1, 0)]);
      const cursor = await b.cursor();
      expect((await b.changesSince(cursor)).embeddings).toEqual([]);
      let heard = 0;
      const stop = await b.watch(() => heard++);
      try {
        await a.put('clip', 2, [item('/b.jpg', 0, 1), item('/a.jpg', 0.6, 0.8)]);
        await a.put('other', 1, [item('/b.jpg', 2)]);
        await until(() => heard >= 2);
        const changes = await b.changesSince(cursor);
        expect(changes.embeddings.map((e) => [e.name, e.dim, e.vectors.map((s) => [s.path, Array.from(s.vector)])])).toEqual([
          ['clip', 2, [['/a.jpg', [Math.fround(0.6), Math.fround(0.8)]], ['/b.jpg', [0, 1]]]],
          ['other', 1, [['/b.jpg', [2]]]],
        ]);
        expect(changes.cursor).toBe(await a.cursor());
        expect((await b.changesSince(changes.cursor)).embeddings).toEqual([]);
        // A peer that did not know the embedding yet still cannot give it another length.
        await expect(b.put('other', 2, [item('/c.jpg', 1, 1)])).rejects.toMatchObject({ code: 'invalid_body' });
      } finally {
        await stop();
      }
    });
  }
}
