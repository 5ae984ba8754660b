import { serverFile } from '../lib/server-file.js';
import { WorkerThread } from '../lib/worker.js';
import type { ScanMessage, ScanRequest } from './scan-protocol.js';

export interface ScanHandlers {
  onEntry(path: string, type: string, size: number, mtimeMs: number): void;
  /** `claims`: the folders reached through links, [key, canonical path] (visible-tree.ts). */
  onScanned(total: number, missing: boolean, claims: [string, string][]): void;
  onDims(path: string, w: number, h: number): void;
}

const SCAN_WORKER = serverFile('datasets/scan-worker.js');

/** Runs one scan on a worker thread; `done` resolves true when both phases finished, false if cancelled. */
export function runScan(request: ScanRequest, handlers: ScanHandlers): { done: Promise<boolean>; cancel(): void } {
  let finished = false;
  let thread!: WorkerThread<never, ScanMessage>;
  const done = new Promise<boolean>((resolve, reject) => {
    thread = new WorkerThread<never, ScanMessage>(SCAN_WORKER, {
      workerData: request,
      onMessage: (message) => {
        switch (message.type) {
          case 'entries': {
            const e = message.entries;
            for (let i = 0; i < e.length; i += 4) handlers.onEntry(e[i] as string, e[i + 1] as string, e[i + 2] as number, e[i + 3] as number);
            break;
          }
          case 'scanned':
            handlers.onScanned(message.total, message.missing, message.claims ?? []);
            break;
          case 'dims': {
            const d = message.dims;
            for (let i = 0; i < d.length; i += 3) handlers.onDims(d[i] as string, d[i + 1] as number, d[i + 2] as number);
            break;
          }
          case 'done':
            finished = true;
            resolve(true);
            void thread.stop();
            break;
        }
      },
      onExit: (failure) => {
        if (finished) return;
        if (failure) reject(failure);
        else resolve(false); // cancelled
      },
    });
  });
  return { done, cancel: () => void thread.stop() };
}
