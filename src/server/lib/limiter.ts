/**
 * Runs at most `concurrency` async tasks at once; the rest wait. Waiting tasks start in arrival
 * order (`fifo`) or newest first (`lifo`: while a user scrolls, the thumbnails just scrolled into
 * view matter more than the ones requested a second ago). A task cancelled before it starts is
 * dropped without running.
 */
export type LimiterOrder = 'fifo' | 'lifo';

export class Limiter {
  private readonly waiting: QueuedTask[] = [];
  private running = 0;

  constructor(
    private readonly concurrency: number,
    private readonly order: LimiterOrder = 'fifo',
  ) {}

  /** Queues `run`; the returned `cancel()` is true when the task was dropped before starting. */
  push(run: () => Promise<void>): { cancel(): boolean } {
    const task: QueuedTask = { run, started: false };
    this.waiting.push(task);
    this.pump();
    return {
      cancel: () => {
        if (task.started) return false;
        const at = this.waiting.indexOf(task);
        if (at >= 0) this.waiting.splice(at, 1);
        return true;
      },
    };
  }

  /** Runs `task` once a slot is free and settles with its result. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.push(async () => {
        try {
          resolve(await task());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  get pending(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const task = (this.order === 'lifo' ? this.waiting.pop() : this.waiting.shift())!;
      task.started = true;
      this.running++;
      void task.run().finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}

interface QueuedTask {
  run: () => Promise<void>;
  started: boolean;
}
