import { availableParallelism } from 'node:os';
import { MAX_EMBEDDING_DIM } from '../../protocol/embeddings.js';
import { serverFile } from '../lib/server-file.js';
import { WorkerThread } from '../lib/worker.js';
import { TableOpenError } from './open-errors.js';
import type { FileMetaData } from 'hyparquet';
import { floatListColumns, type VectorColumn } from './parquet-vectors.js';
import type { VectorBuffers, VectorReadMessage, VectorReadRequest } from './vector-worker.js';

const VECTOR_WORKER = serverFile('datasets/vector-worker.js');
/** Each reader holds one column chunk at a time (a row group's vectors, compressed and not). */
const READER_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 };

/** An embedding column being read: `vectors` and `valid` fill row group by row group. */
export interface TableEmbeddingRead {
  name: string;
  dim: number;
  rows: number;
  /** Unit vectors as halves (embeddings SPEC EM1), row r at [r * dim, (r + 1) * dim), in shared memory. */
  vectors: Uint16Array;
  /** 1 where row r has a whole vector. */
  valid: Uint8Array;
  /** The catalog id of each row (-1: a row the table load skipped). */
  rowIds: Int32Array;
  /** Resolves when every row is read; rejects if the file cannot be read. */
  done: Promise<void>;
}

/**
 * Reads column `name` of the Parquet file `file` on worker threads, the first of which finds the
 * rows' length: resolves with the read under way, or undefined when the rows do not all have one
 * length (not an embedding). `onRows(rowEnd)`: rows [0, rowEnd) are final; rowEnd only grows.
 * `readers` (default: two when the file has two row groups or more and the machine two cores)
 * share the row groups: the read is mostly decoding and first touches of the destination, which
 * a second core halves.
 */
export function readTableEmbedding(
  file: string,
  name: string,
  groupRows: number[],
  rowIds: Int32Array,
  onRows: (rowEnd: number) => void,
  readers = groupRows.length >= 2 && availableParallelism() >= 2 ? 2 : 1,
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
    const threads: WorkerThread<VectorBuffers, VectorReadMessage>[] = [];
    const stopAll = () => {
      for (const t of threads) void t.stop();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      stopAll();
      if (started) rejectDone(error);
      else rejectRead(error);
    };
    // Groups finish out of order with two readers: rows are served up to the first unfinished one.
    const finished = new Uint8Array(groupRows.length);
    let firstUnfinished = 0;
    let rowEnd = 0;
    let readersDone = 0;
    const onMessage = (reader: { done: boolean }, message: VectorReadMessage) => {
      if (settled) return;
      if (message.type === 'dim') {
        if (message.dim === null || message.dim > MAX_EMBEDDING_DIM) {
          settled = true;
          stopAll();
          return resolveRead(undefined);
        }
        const dim = message.dim;
        const buffers: VectorBuffers = {
          vectors: new SharedArrayBuffer(rows * dim * Uint16Array.BYTES_PER_ELEMENT),
          valid: new SharedArrayBuffer(rows),
          next: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
        };
        threads[0]!.post(buffers);
        for (let r = 1; r < readers; r++) threads.push(start({ ...workerData, dim, buffers }));
        started = true;
        return resolveRead({ name, dim, rows, vectors: new Uint16Array(buffers.vectors), valid: new Uint8Array(buffers.valid), rowIds, done });
      }
      if (message.type === 'group') {
        finished[message.group] = 1;
        const before = rowEnd;
        while (firstUnfinished < groupRows.length && finished[firstUnfinished] === 1) rowEnd += groupRows[firstUnfinished++]!;
        if (rowEnd > before) onRows(rowEnd);
        return;
      }
      if (message.type === 'done') {
        // This reader's exit, which follows, is not a failure.
        reader.done = true;
        if (++readersDone < threads.length) return;
        settled = true;
        stopAll();
        return resolveDone();
      }
      fail(new Error(message.message));
    };
    const start = (data: VectorReadRequest) => {
      const reader = { done: false };
      return new WorkerThread<VectorBuffers, VectorReadMessage>(VECTOR_WORKER, {
        workerData: data,
        resourceLimits: READER_LIMITS,
        onMessage: (message) => onMessage(reader, message),
        onExit: (failure) => {
          if (!settled && !reader.done) fail(failure ?? new Error('vector reader worker stopped'));
        },
      });
    };
    threads.push(start(workerData));
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
