import { parentPort, workerData } from 'node:worker_threads';
import { openParquetFile } from './parquet-reader.js';
import { MAX_EMBEDDING_DIM } from '../../protocol/embeddings.js';
import { floatListColumns, readVectorGroup, vectorDimension, vectorReadBuffers } from './parquet-vectors.js';

/**
 * Reads one embedding column of a Parquet file on a second core, after the table is served
 * (issue 13): row group by row group into the main thread's shared Float32Array (row r at
 * [r * dim, (r + 1) * dim)), each row scaled to unit length (cosine is then a dot product), and
 * `valid[r] = 1` for rows holding a whole vector. Only the rows read so far are announced.
 */
export interface VectorReadRequest {
  file: string;
  column: string;
  /** The row count of each row group the main thread saw: a file replaced meanwhile is refused. */
  groupRows: number[];
}
/** Posted by the main thread once it knows the length (`dim` message): where the rows go. */
export interface VectorBuffers {
  vectors: SharedArrayBuffer;
  valid: SharedArrayBuffer;
}
export type VectorReadMessage =
  /** The rows' length, found from the first pages (null: not one length, not an embedding). */
  | { type: 'dim'; dim: number | null }
  | { type: 'rows'; rowEnd: number }
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
    // Found here, not before the server listens: it decodes a first page, one whole row group of
    // vectors in files written with one page per group (32 MB at 16k rows × 512).
    const dim = (await vectorDimension(file, metadata, leaf)) ?? null;
    const shared = new Promise<VectorBuffers>((resolve) => parentPort!.once('message', resolve));
    parentPort!.postMessage({ type: 'dim', dim } satisfies VectorReadMessage);
    if (dim === null || dim > MAX_EMBEDDING_DIM) return;
    const given = await shared;
    const vectors = new Float32Array(given.vectors);
    const valid = new Uint8Array(given.valid);
    const buffers = vectorReadBuffers();
    let start = 0;
    for (let g = 0; g < groupRows.length; g++) {
      const end = start + groupRows[g]!;
      const out = vectors.subarray(start * dim, end * dim);
      await readVectorGroup(parquet, g, leaf, dim, out, valid.subarray(start, end), buffers);
      for (let r = 0; r < end - start; r++) {
        const at = r * dim;
        let norm = 0;
        for (let d = 0; d < dim; d++) norm += out[at + d]! * out[at + d]!;
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let d = 0; d < dim; d++) out[at + d]! *= scale;
      }
      parentPort!.postMessage({ type: 'rows', rowEnd: end } satisfies VectorReadMessage);
      start = end;
    }
    parentPort!.postMessage({ type: 'done' } satisfies VectorReadMessage);
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies VectorReadMessage);
});
