import type { VersionLabels } from '../../../protocol/history.js';
import type { LabelOps, LabelState } from './label-ops.js';
import { changeOf, planStep, type UndoChange } from './undo-plan.js';
import type { UndoAction, UndoStack } from './undo-stack.js';
import type { PlannedConflict, WriteQueue } from './write-queue.js';

export interface UndoControllerOptions {
  stack: UndoStack;
  queue: WriteQueue;
  /** What the item shows now (server state + my pending edits); null when not known here. */
  shown: (path: string) => LabelState | null;
  /** Learns the server state of items not known here (a reload in another folder): after it, `shown` knows them. */
  load?: (paths: readonly string[]) => Promise<void>;
  /** Edits were queued for these paths (presence, filtered lists). */
  onQueued?: (paths: readonly string[]) => void;
}

export interface StepResult {
  action: UndoAction;
  /** Items whose undo (or redo) went out. */
  sent: number;
  /** Items someone else changed since: their "Newer change detected" waits for the user. */
  conflicts: number;
}

/**
 * Undo, redo and restore as new versioned writes through the write queue (never a rollback):
 * an action's step restores only the fields it changed, and leaves to the user (the conflict UI)
 * a field someone else changed since. Steps run one after another, in the order asked.
 */
export class UndoController {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: UndoControllerOptions) {}

  /** A user edit of `paths`: queues it and records what it changes as one undo step. */
  edit(paths: readonly string[], ops: LabelOps, kind: UndoAction['kind'] = 'edit'): boolean {
    const changes: UndoChange[] = [];
    for (const path of new Set(paths)) {
      const shown = this.o.shown(path);
      const change = shown ? changeOf(path, shown, ops) : null;
      if (change) changes.push(change);
    }
    const queued = this.o.queue.edit(paths, ops);
    if (queued) this.o.stack.record(changes, kind);
    return queued;
  }

  /** "Restore this version": writes the version's labels back as a new version (an undoable step). */
  restore(path: string, labels: VersionLabels): boolean {
    const shown = this.o.shown(path);
    if (!shown) return false;
    const ops: LabelOps = {};
    if (shown.star !== labels.star) ops.set_star = labels.star;
    if (shown.flag !== labels.flag) ops.set_flag = labels.flag;
    if (shown.notes !== labels.notes) ops.set_notes = labels.notes;
    if (shown.tags.length !== labels.tags.length || shown.tags.some((t, i) => t !== labels.tags[i])) ops.set_tags = [...labels.tags];
    return this.edit([path], ops, 'restore');
  }

  undo(): Promise<StepResult | null> {
    return this.enqueue('undo');
  }

  redo(): Promise<StepResult | null> {
    return this.enqueue('redo');
  }

  private enqueue(direction: 'undo' | 'redo'): Promise<StepResult | null> {
    const run = this.chain.then(() => this.step(direction));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async step(direction: 'undo' | 'redo'): Promise<StepResult | null> {
    const { stack, queue, shown } = this.o;
    const action = direction === 'undo' ? stack.takeUndo() : stack.takeRedo();
    if (!action) return null;
    const unknown = action.changes.filter((c) => !shown(c.path)).map((c) => c.path);
    if (unknown.length && this.o.load) await this.o.load(unknown);
    const send: { path: string; ops: LabelOps }[] = [];
    const conflicts: PlannedConflict[] = [];
    for (const change of action.changes) {
      const now = shown(change.path);
      // Still unknown: the item is gone from the dataset; nothing to write back.
      if (!now) continue;
      const plan = planStep(change, direction, now);
      if (plan.kind === 'send') send.push({ path: change.path, ops: plan.ops });
      else if (plan.kind === 'conflict') {
        if (Object.keys(plan.autoOps).length) send.push({ path: change.path, ops: plan.autoOps });
        conflicts.push({ path: change.path, ops: plan.conflictOps, fields: plan.fields, current: now });
      }
    }
    if (queue.editEach(send, conflicts)) this.o.onQueued?.([...send.map((s) => s.path), ...conflicts.map((c) => c.path)]);
    return { action, sent: send.length, conflicts: conflicts.length };
  }
}
