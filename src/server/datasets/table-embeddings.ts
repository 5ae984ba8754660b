import { MAX_EMBEDDING_DIM } from '../../protocol/embeddings.js';
import { serverFile } from '../lib/server-file.js';
import { WorkerThread } from '../lib/worker.js';
import { TableOpenError } from './open-errors.js';
import { openParquetFile } from './parquet-reader.js';
import { floatListColumns, type VectorColumn, vectorDimension } from './parquet-vectors.js';
import type { VectorReadMessage, VectorReadRequest } from './vector-worker.js';

const VECTOR_WORKER = serverFile('datasets/vector-worker.js');

/** An embedding column being read: `vectors` and `valid` fill row group by row group. */
export interface TableEmbeddingRead {
  name: string;
  dim: number;
  rows: number;
  /** Unit vectors, row r at [r * dim, (r + 1) * dim), in shared memory. */
  vectors: Float32Array;
  /** 1 where row r has a whole vector. */
  valid: Uint8Array;
  /** The catalog id of each row (-1: a row the table load skipped). */
  rowIds: Int32Array;
  /** Resolves when every row is read; rejects if the file cannot be read. */
  done: Promise<void>;
}

/** Reads column `name` of the Parquet file `file` on a worker thread; `onRows(rowEnd)`: rows [0, rowEnd) are final. */
export function readTableEmbedding(
  file: string,
  column: { name: string; dim: number },
  groupRows: number[],
  rowIds: Int32Array,
  onRows: (rowEnd: number) => void,
): TableEmbeddingRead {
  const rows = groupRows.reduce((a, b) => a + b, 0);
  const vectorBuffer = new SharedArrayBuffer(rows * column.dim * Float32Array.BYTES_PER_ELEMENT);
  const validBuffer = new SharedArrayBuffer(rows);
  const workerData: VectorReadRequest = { file, column: column.name, dim: column.dim, vectors: vectorBuffer, valid: validBuffer, groupRows };
  const done = new Promise<void>((resolve, reject) => {
    let settled = false;
    const thread: WorkerThread<never, VectorReadMessage> = new WorkerThread<never, VectorReadMessage>(VECTOR_WORKER, {
      workerData,
      // The worker holds one column chunk at a time (a row group's vectors, compressed and not).
      resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 },
      onMessage: (message) => {
        if (message.type === 'rows') return onRows(message.rowEnd);
        settled = true;
        void thread.stop();
        if (message.type === 'done') resolve();
        else reject(new Error(message.message));
      },
      onExit: (failure) => {
        if (!settled) reject(failure ?? new Error('vector reader worker stopped'));
      },
    });
  });
  return { name: column.name, dim: column.dim, rows, vectors: new Float32Array(vectorBuffer), valid: new Uint8Array(validBuffer), rowIds, done };
}

/**
 * The embedding columns of the table at `file` (EM6): every list-of-floats column whose sampled
 * rows all have one length, or only those `named` (each must be one).
 */
export async function detectVectorColumns(file: string, named: readonly string[] | undefined): Promise<VectorColumn[]> {
  const { file: bytes, metadata, close } = await openParquetFile(file);
  try {
    const leaves = floatListColumns(metadata);
    const out: VectorColumn[] = [];
    for (const name of named ?? leaves.map((l) => l.name)) {
      const leaf = leaves.find((l) => l.name === name);
      const dim = leaf && (await vectorDimension(bytes, metadata, leaf));
      if (dim !== undefined && dim <= MAX_EMBEDDING_DIM) out.push({ name, dim });
      else if (named) throw new TableOpenError(`embedding column "${name}" does not hold fixed-length float vectors (columns of them: ${leaves.map((l) => l.name).join(', ') || 'none'})`);
    }
    return out;
  } finally {
    await close();
  }
}
