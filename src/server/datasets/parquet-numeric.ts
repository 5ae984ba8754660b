import { WorkerThread } from '../lib/worker.js';
import type { ParquetTable } from './parquet-reader.js';
import type { NumericReadMessage, NumericReadRequest } from './parquet-worker.js';

/** Delivers the numeric columns of every slice, in any order; resolves when all have been delivered. */
export type NumericReader = (columns: string[], onSlice: (index: number, values: Float64Array[]) => void) => Promise<void>;

const NUMERIC_WORKER = new URL('./parquet-worker.js', import.meta.url);

/** Reads on a worker thread (a second core) from the file at `file`. */
export function workerNumericReader(file: string): NumericReader {
  return (columns, onSlice) =>
    new Promise<void>((resolve, reject) => {
      let settled = false;
      const workerData: NumericReadRequest = { file, columns };
      const thread: WorkerThread<never, NumericReadMessage> = new WorkerThread<never, NumericReadMessage>(NUMERIC_WORKER, {
        workerData,
        // A small heap keeps the reader's garbage (decoded pages) from inflating the process's RSS.
        resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 },
        onMessage: (message) => {
          if (message.type === 'slice') return onSlice(message.index, message.values);
          settled = true;
          void thread.stop();
          if (message.type === 'done') resolve();
          else reject(new Error(message.message));
        },
        onExit: (failure) => {
          if (!settled) reject(failure ?? new Error('parquet reader worker stopped'));
        },
      });
    });
}

/** Reads in-process, slice by slice (small tables and in-memory rows). */
export function inProcessNumericReader(table: ParquetTable): NumericReader {
  return async (columns, onSlice) => {
    const wanted = columns.map((name) => table.columns.find((c) => c.name === name)!);
    for (let index = 0; index < table.slices.length; index++) {
      const { rowStart, rowEnd } = table.slices[index]!;
      const slice = await table.read(wanted, rowStart, rowEnd);
      onSlice(index, columns.map((name) => slice.columns.get(name) as Float64Array));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
}
