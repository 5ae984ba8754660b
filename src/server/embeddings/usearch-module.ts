import { createRequire } from 'node:module';

/**
 * usearch 2.26.2, loaded through its CommonJS entry: its ESM build looks for the native addon
 * from a path derived from the module's URL and recurses until the stack overflows under Node 20.
 * Only the parts Lenslet uses are typed here.
 */
export interface UsearchMatches {
  keys: BigUint64Array;
  distances: Float32Array;
}
/** Several queries at once: query q's matches are `keys[q * k …]`, `counts[q]` of them. */
export interface UsearchBatchMatches {
  keys: BigUint64Array;
  distances: Float32Array;
  counts: BigUint64Array;
}
export interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  /** One query (`dim` floats): its matches; several (`n * dim` floats, n > 1): a batch. */
  search(vector: Float32Array, k: number, threads?: number): UsearchMatches | UsearchBatchMatches;
  size(): number;
  save(path: string): void;
  view(path: string): void;
}
interface UsearchModule {
  /** Brute-force search, SIMD in the addon; one query: `keys` are row numbers in `dataset`. */
  exactSearch(dataset: Int8Array, queries: Int8Array, dimensions: number, count: number, metric: 'cos', threads: number): UsearchMatches;
  Index: new (config: {
    dimensions: number;
    metric: 'cos';
    quantization: 'f32' | 'f16';
    connectivity: number;
    expansion_add: number;
    expansion_search: number;
    multi: boolean;
  }) => UsearchIndex;
}

let loaded: UsearchModule | undefined;

/**
 * The module, loaded on first use: finding and loading its native addon (node-gyp-build stats its
 * way there) took 15 ms of CPU alone and ~100 ms on a loaded machine, paid before the server
 * listened although most datasets have no embedding.
 */
export function usearch(): UsearchModule {
  loaded ??= createRequire(import.meta.url)('usearch') as UsearchModule;
  return loaded;
}

/**
 * Why usearch and these settings (measured on this machine, CPU time, one thread, 20k × 256
 * clustered unit vectors, 200 queries; bench/embedding-bench.ts measures the full sizes):
 * - usearch 2.26.2 (f32): build 4.1 s, recall@10 0.996; hnswlib-node 3.0.0: build 3.4 s, recall@10
 *   0.996, search alike (~0.1 ms). hnswlib-node compiles from source on every install (node-gyp,
 *   an allowScripts entry) and takes one JS number[] per point; usearch ships a prebuilt linux-x64
 *   addon, takes the whole Float32Array at once, stores vectors as f16 (half the memory, recall
 *   0.994) and can map a saved index from disk instead of reading it (a restart in milliseconds).
 * - f16, not i8: i8 lost recall (0.875) on the same set.
 * - connectivity 16, expansion_search 64, expansion_add 64: on the same set (f16) the build took
 *   2.4 s of CPU against 5.6 s with expansion_add 128, for recall@10 0.993 against 0.9935; at 1M
 *   vectors the build is minutes of a core, so the cheaper build wins.
 */
export const INDEX_CONFIG = { metric: 'cos', quantization: 'f16', connectivity: 16, expansion_add: 64, expansion_search: 64, multi: false } as const;
