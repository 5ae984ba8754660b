import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createXXHash64 } from 'hash-wasm';
import { decodeHalves } from '../lib/half.js';
import { INDEX_CONFIG, usearch } from './usearch-module.js';

/**
 * Builds an embedding's approximate index off the main thread (EM4): fingerprints the vectors,
 * and when the index saved in the workspace was built from exactly these vectors with these
 * settings, keeps it; otherwise adds the vectors in batches (posting progress), saves the index
 * beside a small JSON of what it was built from, and exits. The main thread then maps the file.
 */
export interface IndexBuildRequest {
  /** `count * dim` halves of unit vectors (EM1); slot s is [s * dim, (s + 1) * dim), its key in the index. */
  vectors: SharedArrayBuffer;
  count: number;
  dim: number;
  file: string;
  threads: number;
}
export type IndexBuildMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'ready'; reused: boolean; vectors: number }
  | { type: 'error'; message: string };

/** Vectors added per call and thread: small enough for progress every second or so at 512-d. */
const BATCH_PER_THREAD = 1024;

export interface IndexMeta {
  fingerprint: string;
  count: number;
  dim: number;
  config: typeof INDEX_CONFIG;
  vectors: number;
}

export function metaFileOf(file: string): string {
  return `${file}.json`;
}

async function fingerprintOf(vectors: Uint16Array): Promise<string> {
  const hasher = await createXXHash64();
  hasher.init();
  const bytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  // hash-wasm copies what it is given into its own memory: pieces keep that copy small. They go
  // through one reused buffer, not a fresh slice each: faulting in new memory cost ten times the
  // hashing (256 MB: 0.6–1.7 s of CPU with slices, 0.07–0.12 s reused, on the bench machine).
  const step = 16 << 20;
  const piece = new Uint8Array(Math.min(step, bytes.length));
  for (let at = 0; at < bytes.length; at += step) {
    const length = Math.min(step, bytes.length - at);
    piece.set(bytes.subarray(at, at + length));
    hasher.update(piece.subarray(0, length));
  }
  return hasher.digest('hex');
}

function readMeta(file: string): IndexMeta | undefined {
  try {
    return JSON.parse(readFileSync(metaFileOf(file), 'utf8')) as IndexMeta;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const request = workerData as IndexBuildRequest;
  const { count, dim, file } = request;
  const vectors = new Uint16Array(request.vectors, 0, count * dim);
  const fingerprint = await fingerprintOf(vectors);
  const saved = readMeta(file);
  if (
    saved &&
    existsSync(file) &&
    saved.fingerprint === fingerprint &&
    saved.count === count &&
    saved.dim === dim &&
    JSON.stringify(saved.config) === JSON.stringify(INDEX_CONFIG)
  ) {
    parentPort!.postMessage({ type: 'ready', reused: true, vectors: saved.vectors } satisfies IndexBuildMessage);
    return;
  }
  const index = new (usearch().Index)({ dimensions: dim, ...INDEX_CONFIG });
  // A zero vector (a row without one) has no direction: it is left out of the index.
  const threads = Math.max(1, request.threads);
  const BATCH = BATCH_PER_THREAD * threads;
  const keys = new BigUint64Array(BATCH);
  // usearch takes float32: each batch is decoded into this one reused buffer (the index rounds
  // them back to f16, exactly, as every half is a float32).
  const batch = new Float32Array(BATCH * dim);
  let added = 0;
  for (let from = 0; from < count; from += BATCH) {
    const to = Math.min(count, from + BATCH);
    let n = 0;
    for (let slot = from; slot < to; slot++) {
      const row = vectors.subarray(slot * dim, (slot + 1) * dim);
      // ±0 halves only: no direction.
      if (!row.some((h) => (h & 0x7fff) !== 0)) continue;
      keys[n] = BigInt(slot);
      decodeHalves(vectors, slot * dim, batch, n * dim, dim);
      n++;
    }
    if (n > 0) index.add(keys.subarray(0, n), batch.subarray(0, n * dim), threads);
    added += n;
    parentPort!.postMessage({ type: 'progress', done: to, total: count } satisfies IndexBuildMessage);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed, the meta last: a crash mid-save leaves no index that claims to be current.
  rmSync(metaFileOf(file), { force: true });
  const partial = `${file}.partial`;
  index.save(partial);
  renameSync(partial, file);
  const meta: IndexMeta = { fingerprint, count, dim, config: INDEX_CONFIG, vectors: added };
  writeFileSync(metaFileOf(file), JSON.stringify(meta));
  parentPort!.postMessage({ type: 'ready', reused: false, vectors: added } satisfies IndexBuildMessage);
}

main().catch((error: unknown) => {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies IndexBuildMessage);
});
