import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/**
 * Starts a module on a worker_threads Worker, from the built `.js` or, under tsx/vitest, from the
 * TypeScript source. Callers name the module as built, with lib/server-file.ts.
 *
 * Under tsx the `.ts` file is what exists, and a worker does not inherit the TypeScript loader
 * (loader flags in execArgv don't reach workers), so a small bootstrap registers tsx inside the
 * thread before importing the module. tsx's API is resolved here, so the worker finds it whatever
 * the working directory is.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

export interface WorkerThreadOptions<Out> {
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
  /** Every message the worker posts, in order. */
  onMessage(message: Out): void;
  /**
   * Called once when the thread ends: `undefined` after `stop()`, else why it ended (an uncaught
   * error, or an exit nobody asked for).
   */
  onExit?(failure: Error | undefined): void;
}

/** A worker thread with the message, error and exit plumbing every caller needs. */
export class WorkerThread<In, Out> {
  private readonly worker: Worker;
  private ended = false;
  private stopping = false;

  constructor(entry: URL, private readonly options: WorkerThreadOptions<Out>) {
    const { workerData, resourceLimits } = options;
    this.worker = FROM_SOURCE
      ? new Worker(tsBootstrap(sourceOf(entry)), { eval: true, workerData, resourceLimits })
      : new Worker(entry, { workerData, resourceLimits });
    const name = entry.pathname.split('/').pop();
    this.worker.on('message', (message: Out) => options.onMessage(message));
    this.worker.on('error', (error) => this.end(error));
    this.worker.on('exit', (code) => this.end(this.stopping ? undefined : new Error(`worker ${name} exited with code ${code}`)));
  }

  post(message: In, transfer?: readonly Transferable[]): void {
    this.worker.postMessage(message, transfer);
  }

  /** Lets the process exit while the thread idles (`unref`), or not (`ref`). */
  keepAlive(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  /** Terminates the thread; resolves once it has gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private end(failure: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onExit?.(failure);
  }
}

/** `./x-worker.js` → `./x-worker.ts`, beside the calling module's source. */
function sourceOf(entry: URL): URL {
  return new URL(entry.href.replace(/\.js$/, '.ts'));
}

function tsBootstrap(entry: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
}
