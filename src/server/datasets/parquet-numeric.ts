import { Worker } from 'node:worker_threads';
import type { ParquetTable } from './parquet-reader.js';
import type { NumericReadMessage, NumericReadRequest } from './parquet-worker.js';

/** Delivers the numeric columns of every slice, in any order; resolves when all have been delivered. */
export type NumericReader = (columns: string[], onSlice: (index: number, values: Float64Array[]) => void) => Promise<void>;

// Under tsx/vitest this module is TypeScript, so the worker is too: a tiny bootstrap registers the
// tsx loader inside the worker thread first (loader flags in execArgv don't reach workers).
const IS_TS = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(IS_TS ? './parquet-worker.ts' : './parquet-worker.js', import.meta.url);
// Resolved here (lazily, only under tsx), so the worker finds tsx whatever the working directory.
const tsBootstrap = (): string =>
  `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;

/** Reads on a worker thread (a second core) from the file at `file`. */
export function workerNumericReader(file: string): NumericReader {
  return (columns, onSlice) =>
    new Promise<void>((resolve, reject) => {
      const workerData: NumericReadRequest = { file, columns };
      // A small heap keeps the reader's garbage (decoded pages) from inflating the process's RSS.
      const resourceLimits = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 };
      const worker = IS_TS
        ? new Worker(tsBootstrap(), { eval: true, workerData, resourceLimits })
        : new Worker(WORKER_URL, { workerData, resourceLimits });
      let settled = false;
      worker.on('message', (message: NumericReadMessage) => {
        if (message.type === 'slice') onSlice(message.index, message.values);
        else {
          settled = true;
          void worker.terminate();
          if (message.type === 'done') resolve();
          else reject(new Error(message.message));
        }
      });
      worker.on('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.on('exit', (code) => {
        if (!settled) reject(new Error(`parquet reader worker exited with code ${code}`));
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
