import { parentPort, workerData } from 'node:worker_threads';
import { openParquet } from './parquet-reader.js';

/**
 * Reads the numeric columns of a Parquet file on a second core while the main thread reads the
 * path strings and fills the tree; each slice's Float64Arrays are transferred, not copied.
 */
export interface NumericReadRequest {
  file: string;
  columns: string[];
}
export type NumericReadMessage =
  | { type: 'slice'; index: number; values: Float64Array[] }
  | { type: 'done' }
  | { type: 'error'; message: string };

async function main(): Promise<void> {
  const request = workerData as NumericReadRequest;
  const table = await openParquet(request.file);
  try {
    const columns = request.columns.map((name) => table.columns.find((c) => c.name === name)!);
    for (let index = 0; index < table.slices.length; index++) {
      const { rowStart, rowEnd } = table.slices[index]!;
      const slice = await table.read(columns, rowStart, rowEnd);
      const values = request.columns.map((name) => slice.columns.get(name) as Float64Array);
      const message: NumericReadMessage = { type: 'slice', index, values };
      parentPort!.postMessage(message, values.map((v) => v.buffer as ArrayBuffer));
    }
    parentPort!.postMessage({ type: 'done' } satisfies NumericReadMessage);
  } finally {
    await table.close();
  }
}

main().catch((error: unknown) => {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies NumericReadMessage);
});
