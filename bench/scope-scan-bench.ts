import { performance } from 'node:perf_hooks';
import { EmbeddingSet } from '../src/server/embeddings/embedding-set.js';
import { exactSearchAmong } from '../src/server/embeddings/exact-search.js';
import { buildScopeCopy, scanScope } from '../src/server/embeddings/scope-scan.js';

/**
 * The exact search of a large scope (EM3), in process, without the index: the JS loop over halves
 * (exactSearchAmong) against the native int8 scan + exact re-rank (scope-scan.ts). The set is laid
 * out as the similar bench's table (embedding-fixture.ts): row i near centre i % 1000, and the
 * scope is `shard < N` (whole clusters); the queries come from clusters outside it, the case the
 * index cannot answer. `LENSLET_BENCH_SCAN_ROWS` (default 1,000,000) × 512.
 */
const DIM = 512;
const K = 50;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<void> {
  const rows = Number(process.env.LENSLET_BENCH_SCAN_ROWS ?? 1_000_000);
  const rand = rng(1);
  const centres = new Float32Array(1000 * DIM);
  for (let i = 0; i < centres.length; i++) centres[i] = rand();
  const set = new EmbeddingSet('emb', DIM, rows);
  const v = new Float32Array(DIM);
  let t = performance.now();
  for (let i = 0; i < rows; i++) {
    const c = (i % 1000) * DIM;
    for (let d = 0; d < DIM; d++) v[d] = centres[c + d]! + 0.5 * rand();
    set.put(i, v);
  }
  console.log(`set: ${rows} x ${DIM} halves in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const queries = Array.from({ length: 20 }, (_, q) => set.vectorOf(((q * 37) % (rows / 1000)) * 1000 + 500 + q * 20)!); // shards 500+, outside every scope
  for (const shards of [10, 20, 50, 100, 200]) {
    const ids = new Int32Array(rows);
    let count = 0;
    for (let i = 0; i < rows; i++) if (i % 1000 < shards) ids[count++] = i;
    const scope = { ids, count };
    let c0 = cpuMs();
    t = performance.now();
    const copy = buildScopeCopy(set, scope, 0);
    const build = { cpu: cpuMs() - c0, wall: performance.now() - t };
    const old: { cpu: number; wall: number }[] = [];
    const now: { cpu: number; wall: number }[] = [];
    let same = 0;
    // Interleaved: each query by the old loop, then by the scan, so both see the same load.
    for (const query of queries) {
      c0 = cpuMs();
      t = performance.now();
      const want = exactSearchAmong(set, query, K, scope.ids, scope.count);
      old.push({ cpu: cpuMs() - c0, wall: performance.now() - t });
      c0 = cpuMs();
      t = performance.now();
      const got = scanScope(copy, query, K, 2);
      now.push({ cpu: cpuMs() - c0, wall: performance.now() - t });
      if (JSON.stringify(got) === JSON.stringify(want)) same++;
    }
    const f = (xs: { cpu: number; wall: number }[], key: 'cpu' | 'wall') => median(xs.map((x) => x[key])).toFixed(1);
    console.log(
      `scope ${count} (shard < ${shards}): JS exact ${f(old, 'cpu')} ms CPU / ${f(old, 'wall')} ms wall; int8 scan ${f(now, 'cpu')} ms CPU / ${f(now, 'wall')} ms wall (median of ${queries.length}); copy build ${build.cpu.toFixed(0)} ms CPU / ${build.wall.toFixed(0)} ms wall, ${(copy.codes.byteLength / 2 ** 20).toFixed(0)} MiB; same answer ${same}/${queries.length}`,
    );
  }
}
