import { parentPort, workerData } from 'node:worker_threads';
import { fastNumericColumn, readNumberGroupInto, storeValues } from './parquet-fast-numeric.js';
import { openParquetFile } from './parquet-reader.js';

/**
 * Decodes the numeric columns of a Parquet file on a second core while the main thread reads the
 * path strings and fills the tree. It reads only its own column chunks from the file, one row group
 * at a time, and decodes them straight into the main thread's shared columns (row r at index r):
 * nothing is copied or transferred, and only the rows decoded so far are announced.
 */
export interface NumericReadRequest {
  file: string;
  columns: string[];
  /** One per column, `Float64Array` (or `Int32Array` where `dimensions[k]`) of at least the table's row count. */
  into: SharedArrayBuffer[];
  /** Columns kept as `dimensionOf` their values (width, height), in an Int32Array. */
  dimensions: boolean[];
  /** Rows before this one are already filled. */
  fromRow: number;
  /** The row count of each row group the main thread sees: a file replaced meanwhile is refused. */
  groupRows: number[];
}
export type NumericReadMessage =
  /** Rows [0, rowEnd) of every column are final. */
  | { type: 'rows'; rowEnd: number }
  | { type: 'done' }
  | { type: 'error'; message: string };

async function main(): Promise<void> {
  const request = workerData as NumericReadRequest;
  const { file, metadata, close } = await openParquetFile(request.file);
  try {
    const groupRows = metadata.row_groups.map((g) => Number(g.num_rows));
    if (groupRows.join() !== request.groupRows.join()) throw new Error(`${request.file} changed while it was being read`);
    const columns = request.columns.map((name, k) => {
      const buffer = request.into[k]!;
      return { name, fast: fastNumericColumn(metadata, name), into: request.dimensions[k] ? new Int32Array(buffer) : new Float64Array(buffer) };
    });
    let groupStart = 0;
    let scratch = new Float64Array(0);
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const groupEnd = groupStart + Number(metadata.row_groups[g]!.num_rows);
      if (groupEnd > request.fromRow) {
        for (const c of columns) {
          if (c.into instanceof Float64Array) {
            await readNumberGroupInto(file, metadata, g, c.name, c.fast, c.into.subarray(groupStart, groupEnd));
            continue;
          }
          if (scratch.length !== groupEnd - groupStart) scratch = new Float64Array(groupEnd - groupStart);
          await readNumberGroupInto(file, metadata, g, c.name, c.fast, scratch);
          storeValues(c.into, scratch, groupStart);
        }
        parentPort!.postMessage({ type: 'rows', rowEnd: groupEnd } satisfies NumericReadMessage);
      }
      groupStart = groupEnd;
    }
    parentPort!.postMessage({ type: 'done' } satisfies NumericReadMessage);
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies NumericReadMessage);
});
