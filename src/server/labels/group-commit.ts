import type { LabelStore, UnitOutcome, WriteUnit } from './label-store.js';

interface Pending {
  unit: WriteUnit;
  resolve(outcome: UnitOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit: units submitted while a commit is running, or within the same turn of the event
 * loop, are committed together in one transaction (one fsync). Each caller is resolved only after
 * that commit, and `onCommitted` runs first, so events are published before any 200 goes out.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private running = false;
  private scheduled = false;

  constructor(
    private readonly store: LabelStore,
    private readonly now: () => number,
    private readonly onCommitted: (outcomes: UnitOutcome[]) => void,
    private readonly maxUnitsPerCommit = 512,
  ) {}

  submit(unit: WriteUnit): Promise<UnitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far has been committed (or failed). */
  async drain(): Promise<void> {
    while (this.running || this.queue.length || this.scheduled) {
      await new Promise((r) => setImmediate(r));
    }
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the current I/O phase, so requests parsed in the same turn share a commit.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.maxUnitsPerCommit);
    let outcomes: UnitOutcome[] | undefined;
    let failure: unknown;
    try {
      outcomes = await this.store.commit(
        batch.map((p) => p.unit),
        this.now(),
      );
    } catch (error) {
      failure = error;
    }
    if (outcomes) {
      try {
        this.onCommitted(outcomes);
      } catch (error) {
        // The commit is durable, so callers still get their answer; a listener's fault is only logged.
        console.error('label commit listener failed', error);
      }
    }
    this.running = false;
    if (this.queue.length) this.schedule();
    batch.forEach((p, i) => (outcomes && !failure ? p.resolve(outcomes[i]!) : p.reject(failure)));
  }
}
