import { serverFile } from '../lib/server-file.js';
import { WorkerThread } from '../lib/worker.js';
import type { IndexBuildMessage, IndexBuildRequest } from './index-worker.js';
import { INDEX_CONFIG, type UsearchBatchMatches, type UsearchIndex, type UsearchMatches, usearch } from './usearch-module.js';

const INDEX_WORKER = serverFile('embeddings/index-worker.js');

/** The approximate index over an embedding's slots, mapped from its file in the workspace (EM4). */
export class AnnIndex {
  private constructor(
    private readonly index: UsearchIndex,
    /** How many vectors the index holds. */
    readonly size: number,
    /** The set's version the index was built from. */
    readonly version: number,
  ) {}

  /** Maps the saved file (pages are read as searches touch them: a restart needs no load). */
  static view(file: string, dim: number, version: number): AnnIndex {
    const index = new (usearch().Index)({ dimensions: dim, ...INDEX_CONFIG });
    index.view(file);
    return new AnnIndex(index, index.size(), version);
  }

  /** The `k` nearest slots to a unit `query`, nearest first. */
  search(query: Float32Array, k: number): number[] {
    if (this.size === 0) return [];
    const found = this.index.search(query, Math.min(k, this.size), 1) as UsearchMatches;
    const slots: number[] = [];
    for (const key of found.keys) slots.push(Number(key));
    return slots;
  }

  /**
   * The `k` nearest slots to each of `count` unit queries packed in `queries` (exactly `count * dim`
   * floats), one call into the
   * addon: `slots[q * k …]`, `-1` past the matches found.
   */
  searchMany(queries: Float32Array, count: number, k: number): Int32Array {
    const slots = new Int32Array(count * k).fill(-1);
    if (this.size === 0 || count === 0) return slots;
    const want = Math.min(k, this.size);
    const found = this.index.search(queries, want, 1);
    if (count === 1) {
      const one = found as UsearchMatches;
      for (let j = 0; j < one.keys.length; j++) slots[j] = Number(one.keys[j]);
      return slots;
    }
    const batch = found as UsearchBatchMatches;
    for (let q = 0; q < count; q++) {
      const n = Number(batch.counts[q]);
      for (let j = 0; j < n; j++) slots[q * k + j] = Number(batch.keys[q * want + j]);
    }
    return slots;
  }
}

export interface BuildHandle {
  done: Promise<{ reused: boolean }>;
  stop(): Promise<void>;
}

/** Builds (or finds current in `file`) the index over `vectors` on a worker thread. */
export function buildIndexFile(request: IndexBuildRequest, onProgress: (done: number, total: number) => void): BuildHandle {
  let thread: WorkerThread<never, IndexBuildMessage> | undefined;
  let stopped = false;
  const done = new Promise<{ reused: boolean }>((resolve, reject) => {
    let settled = false;
    thread = new WorkerThread<never, IndexBuildMessage>(INDEX_WORKER, {
      workerData: request,
      onMessage: (message) => {
        if (message.type === 'progress') return onProgress(message.done, message.total);
        settled = true;
        void thread!.stop();
        if (message.type === 'ready') resolve({ reused: message.reused });
        else reject(new Error(message.message));
      },
      onExit: (failure) => {
        if (!settled) reject(stopped ? new Error('index build stopped') : (failure ?? new Error('index worker stopped')));
      },
    });
  });
  return {
    done,
    stop: async () => {
      stopped = true;
      await thread?.stop();
    },
  };
}
