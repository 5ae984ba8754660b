import { parentPort, workerData } from 'node:worker_threads';
import { openParquetFile } from './parquet-reader.js';
import { MAX_EMBEDDING_DIM } from '../../protocol/embeddings.js';
import { encodeHalves } from '../lib/half.js';
import { floatListColumns, readVectorGroup, vectorDimension, vectorReadBuffers } from './parquet-vectors.js';

/**
 * Reads one embedding column of a Parquet file on other cores, after the table is served (issue
 * 13): row group by row group into the main thread's shared Uint16Array (row r at
 * [r * dim, (r + 1) * dim)), each row scaled to unit length (cosine is then a dot product) and
 * rounded to half precision (EM1), and `valid[r] = 1` for rows holding a whole vector.
 *
 * Two readers may share a column: the first finds the length, then both take the next unread row
 * group from a shared counter (`Atomics.add`), so neither waits on the other's slower groups. Each
 * announces the groups it finished; the main thread serves the rows up to the first unfinished one.
 */
export interface VectorReadRequest {
  file: string;
  column: string;
  /** The row count of each row group the main thread saw: a file replaced meanwhile is refused. */
  groupRows: number[];
  /** A second reader is given the length and the buffers at once; the first finds the length. */
  dim?: number;
  buffers?: VectorBuffers;
}
/** Posted by the main thread once it knows the length (`dim` message): where the rows go. */
export interface VectorBuffers {
  vectors: SharedArrayBuffer;
  valid: SharedArrayBuffer;
  /** One Int32: the next row group nobody has taken. */
  next: SharedArrayBuffer;
}
export type VectorReadMessage =
  /** The rows' length, found from the first pages (null: not one length, not an embedding). */
  | { type: 'dim'; dim: number | null }
  /** Row group `group` is in place. */
  | { type: 'group'; group: number }
  | { type: 'done' }
  | { type: 'error'; message: string };

async function main(): Promise<void> {
  const request = workerData as VectorReadRequest;
  const parquet = await openParquetFile(request.file);
  const { file, metadata, close } = parquet;
  try {
    const groupRows = metadata.row_groups.map((g) => Number(g.num_rows));
    if (groupRows.join() !== request.groupRows.join()) throw new Error(`${request.file} changed while it was being read`);
    const leaf = floatListColumns(metadata).find((c) => c.name === request.column);
    if (!leaf) throw new Error(`${request.column} is not a list of floats`);
    let dim = request.dim ?? null;
    let given = request.buffers;
    if (!given) {
      // Found here, not before the server listens: it decodes a first page, one whole row group of
      // vectors in files written with one page per group (32 MB at 16k rows × 512).
      dim = (await vectorDimension(file, metadata, leaf)) ?? null;
      const shared = new Promise<VectorBuffers>((resolve) => parentPort!.once('message', resolve));
      parentPort!.postMessage({ type: 'dim', dim } satisfies VectorReadMessage);
      if (dim === null || dim > MAX_EMBEDDING_DIM) return;
      given = await shared;
    }
    if (dim === null) return;
    const vectors = new Uint16Array(given.vectors);
    const valid = new Uint8Array(given.valid);
    const next = new Int32Array(given.next);
    const starts = [0];
    for (const rows of groupRows) starts.push(starts.at(-1)! + rows);
    const buffers = vectorReadBuffers();
    // A group is decoded as float32 into this reused buffer, normalised there and rounded into the
    // shared halves: only the halves are ever touched in the big destination.
    const unit = new Float32Array(Math.max(...groupRows) * dim);
    for (let g = Atomics.add(next, 0, 1); g < groupRows.length; g = Atomics.add(next, 0, 1)) {
      const start = starts[g]!;
      const rows = groupRows[g]!;
      const out = unit.subarray(0, rows * dim);
      await readVectorGroup(parquet, g, leaf, dim, out, valid.subarray(start, start + rows), buffers);
      const rowValid = valid.subarray(start, start + rows);
      for (let r = 0; r < rows; r++) {
        const at = r * dim;
        // The decoder leaves a row without a vector alone: here that is the last group's data.
        if (rowValid[r] === 0) {
          out.fill(0, at, at + dim);
          continue;
        }
        let norm = 0;
        for (let d = 0; d < dim; d++) norm += out[at + d]! * out[at + d]!;
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let d = 0; d < dim; d++) out[at + d]! *= scale;
      }
      encodeHalves(out, 0, vectors, start * dim, rows * dim);
      parentPort!.postMessage({ type: 'group', group: g } satisfies VectorReadMessage);
    }
    parentPort!.postMessage({ type: 'done' } satisfies VectorReadMessage);
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies VectorReadMessage);
});
