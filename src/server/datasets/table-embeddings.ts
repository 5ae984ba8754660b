import { MAX_EMBEDDING_DIM } from '../../protocol/embeddings.js';
import { serverFile } from '../lib/server-file.js';
import { WorkerThread } from '../lib/worker.js';
import { TableOpenError } from './open-errors.js';
import type { FileMetaData } from 'hyparquet';
import { floatListColumns, type VectorColumn } from './parquet-vectors.js';
import type { VectorBuffers, VectorReadMessage, VectorReadRequest } from './vector-worker.js';

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

/**
 * Reads column `name` of the Parquet file `file` on a worker thread, which first finds the rows'
 * length: resolves with the read under way, or undefined when the rows do not all have one length
 * (not an embedding). `onRows(rowEnd)`: rows [0, rowEnd) are final.
 */
export function readTableEmbedding(
  file: string,
  name: string,
  groupRows: number[],
  rowIds: Int32Array,
  onRows: (rowEnd: number) => void,
): Promise<TableEmbeddingRead | undefined> {
  const rows = groupRows.reduce((a, b) => a + b, 0);
  const workerData: VectorReadRequest = { file, column: name, groupRows };
  return new Promise((resolveRead, rejectRead) => {
    let settled = false;
    let resolveDone: () => void = () => undefined;
    let rejectDone: (error: Error) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    let started = false;
    const fail = (error: Error) => {
      settled = true;
      if (started) rejectDone(error);
      else rejectRead(error);
    };
    const thread: WorkerThread<VectorBuffers, VectorReadMessage> = new WorkerThread<VectorBuffers, VectorReadMessage>(VECTOR_WORKER, {
      workerData,
      // The worker holds one column chunk at a time (a row group's vectors, compressed and not).
      resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 },
      onMessage: (message) => {
        if (message.type === 'dim') {
          if (message.dim === null || message.dim > MAX_EMBEDDING_DIM) {
            settled = true;
            void thread.stop();
            return resolveRead(undefined);
          }
          const dim = message.dim;
          const vectorBuffer = new SharedArrayBuffer(rows * dim * Float32Array.BYTES_PER_ELEMENT);
          const validBuffer = new SharedArrayBuffer(rows);
          thread.post({ vectors: vectorBuffer, valid: validBuffer });
          started = true;
          return resolveRead({ name, dim, rows, vectors: new Float32Array(vectorBuffer), valid: new Uint8Array(validBuffer), rowIds, done });
        }
        if (message.type === 'rows') return onRows(message.rowEnd);
        settled = true;
        void thread.stop();
        if (message.type === 'done') resolveDone();
        else fail(new Error(message.message));
      },
      onExit: (failure) => {
        if (!settled) fail(failure ?? new Error('vector reader worker stopped'));
      },
    });
  });
}

/**
 * The embedding columns of a table (EM6), from its footer: every top-level list-of-floats column,
 * or only those `named` (each must be one). Their length is found after the table is loaded, by the
 * worker that reads them (`readTableEmbedding`): only the schema is read here, before listening,
 * from the footer the table was opened with (parsing it again cost as much as the first time).
 */
export function detectVectorColumns(metadata: FileMetaData, named: readonly string[] | undefined): VectorColumn[] {
  const leaves = floatListColumns(metadata);
  for (const name of named ?? []) {
    if (!leaves.some((l) => l.name === name)) {
      throw new TableOpenError(`embedding column "${name}" does not hold float vectors (columns of them: ${leaves.map((l) => l.name).join(', ') || 'none'})`);
    }
  }
  return (named ?? leaves.map((l) => l.name)).map((name) => ({ name }));
}
