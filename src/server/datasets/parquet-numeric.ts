import { serverFile } from '../lib/server-file.js';
import { WorkerThread } from '../lib/worker.js';
import { type NumericTarget, storeValues } from './parquet-fast-numeric.js';
import type { ParquetTable } from './parquet-reader.js';
import type { NumericReadMessage, NumericReadRequest } from './parquet-worker.js';

/**
 * Fills `into[k]` (row r at index r) with column `columns[k]` for rows `fromRow` on, in row
 * order; `onRows(rowEnd)` says rows [0, rowEnd) are final. Resolves when all are. A Float64Array
 * gets the values (NaN = null); an Int32Array, used for width and height, gets `dimensionOf` them.
 */
export type NumericReader = (columns: string[], into: NumericTarget[], onRows: (rowEnd: number) => void, fromRow: number) => Promise<void>;
export type { NumericTarget };

const NUMERIC_WORKER = serverFile('datasets/parquet-worker.js');

/**
 * Decodes on a worker thread (a second core) from the file at `file`, straight into `into`, which
 * must live in SharedArrayBuffers.
 */
export function workerNumericReader(file: string, table: ParquetTable): NumericReader {
  const groupRows = table.groupRows;
  return (columns, into, onRows, fromRow) =>
    new Promise<void>((resolve, reject) => {
      let settled = false;
      const buffers = into.map((column) => {
        if (!(column.buffer instanceof SharedArrayBuffer)) throw new Error('the worker fills shared columns only');
        return column.buffer;
      });
      const dimensions = into.map((column) => column instanceof Int32Array);
      const workerData: NumericReadRequest = { file, columns, into: buffers, dimensions, fromRow, groupRows };
      const thread: WorkerThread<never, NumericReadMessage> = new WorkerThread<never, NumericReadMessage>(NUMERIC_WORKER, {
        workerData,
        // A small heap: the worker keeps nothing but the column chunk it is decoding.
        resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
        onMessage: (message) => {
          if (message.type === 'rows') return onRows(message.rowEnd);
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

/** Reads in-process, slice by slice (small tables, rows handed to `launch`, a failed worker). */
export function inProcessNumericReader(table: ParquetTable): NumericReader {
  return async (columns, into, onRows, fromRow) => {
    const wanted = columns.map((name) => table.columns.find((c) => c.name === name)!);
    for (const { rowStart, rowEnd } of table.slices) {
      if (rowEnd <= fromRow) continue;
      const slice = await table.read(wanted, rowStart, rowEnd);
      for (const [k, name] of columns.entries()) storeValues(into[k]!, slice.columns.get(name) as Float64Array, rowStart);
      onRows(rowEnd);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
}
