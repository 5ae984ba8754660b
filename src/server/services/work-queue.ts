/**
 * Runs at most `concurrency` async tasks at once, newest first: while a user scrolls, the
 * thumbnails just scrolled into view matter more than the ones requested a second ago.
 * A task cancelled before it starts is dropped without running.
 */
export class WorkQueue {
  private readonly waiting: QueuedTask[] = [];
  private running = 0;

  constructor(private readonly concurrency: number) {}

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

  get pending(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const task = this.waiting.pop()!;
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
