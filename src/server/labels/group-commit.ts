import type { LabelStore, UnitOutcome, WriteUnit } from './label-store.js';

interface Pending {
  unit: WriteUnit;
  resolve(outcome: UnitOutcome): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Most units in one commit. Default 512. */
  maxUnitsPerCommit?: number;
  /**
   * Gathering (for stores whose commit costs much per transaction: PostgreSQL). After a commit,
   * the next one waits until as many units are queued as the last commit carried plus those that
   * arrived while it ran (their writers are likely to write again as soon as they have their
   * answer), but never longer than the last commit took, nor `gatherMaxMs`. A writer alone is
   * never held: the target is then its own single unit. Default off (0).
   */
  gatherMaxMs?: number;
}

/**
 * Group commit: units submitted while a commit is running, or within the same turn of the event
 * loop, are committed together in one transaction (one fsync). Each caller is resolved only after
 * that commit, and `onCommitted` runs first, so events are published before any 200 goes out.
 * Commits and `exclusive` tasks (catching up on other processes' writes) never overlap.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private running = false;
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly maxUnitsPerCommit: number;
  private readonly gatherMaxMs: number;
  /** Gathering: units the next commit waits for, and for how long at most (from its first unit). */
  private gatherTarget = 0;
  private gatherMs = 0;
  private gatherTimer: NodeJS.Timeout | undefined;
  /** Transactions run and units committed: units / commits is the group-commit batch size. */
  readonly stats = { commits: 0, units: 0, commit_ms: 0 };

  constructor(
    private readonly store: LabelStore,
    private readonly now: () => number,
    private readonly onCommitted: (outcomes: UnitOutcome[]) => void | Promise<void>,
    options: GroupCommitOptions = {},
  ) {
    this.maxUnitsPerCommit = options.maxUnitsPerCommit ?? 512;
    this.gatherMaxMs = options.gatherMaxMs ?? 0;
  }

  submit(unit: WriteUnit): Promise<UnitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.schedule();
    });
  }

  /** Runs `task` when no commit (and no other task) is in progress. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Resolves when everything submitted so far has been committed (or failed). */
  async drain(): Promise<void> {
    while (this.running || this.queue.length || this.scheduled) {
      await new Promise((r) => setImmediate(r));
    }
    await this.chain;
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    if (this.queue.length < this.gatherTarget) {
      // Gathering: the writers of the last commit have not all come back yet.
      this.gatherTimer ??= setTimeout(() => {
        this.gatherTimer = undefined;
        this.gatherTarget = 0;
        this.schedule();
      }, this.gatherMs);
      return;
    }
    if (this.gatherTimer) {
      clearTimeout(this.gatherTimer);
      this.gatherTimer = undefined;
    }
    this.gatherTarget = 0;
    this.scheduled = true;
    // setImmediate runs after the current I/O phase, so requests parsed in the same turn share a commit.
    setImmediate(() => {
      this.scheduled = false;
      this.running = true;
      void this.exclusive(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxUnitsPerCommit);
    let outcomes: UnitOutcome[] | undefined;
    let failure: unknown;
    const started = performance.now();
    try {
      outcomes = await this.store.commit(
        batch.map((p) => p.unit),
        this.now(),
      );
      const took = performance.now() - started;
      this.stats.commits++;
      this.stats.units += batch.length;
      this.stats.commit_ms += took;
      if (this.gatherMaxMs > 0) {
        this.gatherTarget = Math.min(this.maxUnitsPerCommit, batch.length + this.queue.length);
        this.gatherMs = Math.min(this.gatherMaxMs, took);
      }
    } catch (error) {
      failure = error;
    }
    if (outcomes) {
      try {
        await this.onCommitted(outcomes);
      } catch (error) {
        // The commit is durable, so callers still get their answer; a listener's fault is only logged.
        console.error('label commit listener failed', error);
      }
    }
    this.running = false;
    if (this.queue.length) this.schedule();
    batch.forEach((p, i) => {
      if (outcomes && !failure) p.resolve(outcomes[i]!);
      else p.reject(failure);
    });
  }
}
