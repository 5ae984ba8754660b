import { Worker } from 'node:worker_threads';
import type { ScanMessage, ScanRequest } from './scan-protocol.js';

export interface ScanHandlers {
  onEntry(path: string, type: string, size: number, mtimeMs: number): void;
  onScanned(total: number, missing: boolean): void;
  onDims(path: string, w: number, h: number): void;
}

// Under tsx/vitest this module is TypeScript, so the worker is too: a tiny bootstrap registers
// the tsx loader inside the worker thread first (loader flags in execArgv don't reach workers).
const IS_TS = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(IS_TS ? './scan-worker.ts' : './scan-worker.js', import.meta.url);
// Resolved here (not in the worker) so it works whatever the current directory is.
const tsxApi = (): string => import.meta.resolve('tsx/esm/api');
const tsBootstrap = (): string =>
  `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;

/** Runs one scan on a worker thread; `done` resolves true when both phases finished, false if cancelled. */
export function runScan(request: ScanRequest, handlers: ScanHandlers): { done: Promise<boolean>; cancel(): void } {
  const worker = IS_TS ? new Worker(tsBootstrap(), { eval: true, workerData: request }) : new Worker(WORKER_URL, { workerData: request });
  const done = new Promise<boolean>((resolve, reject) => {
    let finished = false;
    worker.on('message', (message: ScanMessage) => {
      switch (message.type) {
        case 'entries': {
          const e = message.entries;
          for (let i = 0; i < e.length; i += 4) handlers.onEntry(e[i] as string, e[i + 1] as string, e[i + 2] as number, e[i + 3] as number);
          break;
        }
        case 'scanned':
          handlers.onScanned(message.total, message.missing);
          break;
        case 'dims': {
          const d = message.dims;
          for (let i = 0; i < d.length; i += 3) handlers.onDims(d[i] as string, d[i + 1] as number, d[i + 2] as number);
          break;
        }
        case 'done':
          finished = true;
          resolve(true);
          void worker.terminate();
          break;
      }
    });
    worker.on('error', reject);
    worker.on('exit', () => {
      if (!finished) resolve(false); // cancelled
    });
  });
  return { done, cancel: () => void worker.terminate() };
}
