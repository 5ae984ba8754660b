import type { KeyValueStorage } from './client-identity.js';
import type { Clock } from './queue-model.js';
import { isTabAlive, ORPHAN_AFTER_MS } from './queue-storage.js';
import type { UndoChange } from './undo-plan.js';

const UNDO_PREFIX = 'lenslet.undo.';
/** Steps kept per tab, and item changes across them: a tab's stack must fit in localStorage beside the queue. */
export const MAX_UNDO_STEPS = 100;
export const MAX_UNDO_CHANGES = 20_000;
/** Notes saved while typing (after each pause) within this long of each other are one step. */
export const NOTES_MERGE_MS = 10_000;

/** One user action: what it did to each item it changed. */
export interface UndoAction {
  id: number;
  /** When it was recorded (or last merged into). */
  at: number;
  kind: 'edit' | 'restore';
  changes: UndoChange[];
}

export interface UndoSnapshot {
  canUndo: boolean;
  canRedo: boolean;
  /** How many items the next undo and redo touch (0 when there is none). */
  undoCount: number;
  redoCount: number;
}

interface Persisted {
  v: 1;
  saved_at: number;
  next_id: number;
  past: UndoAction[];
  future: UndoAction[];
}

/**
 * This tab's undo and redo stacks: `past` (newest last) and `future` (the next redo last). Kept in
 * localStorage under the tab's id (sessionStorage), beside the tab's write queue, so a reload of
 * the tab keeps them and another tab has its own. Stacks of tabs that are gone are dropped.
 */
export class UndoStack {
  private past: UndoAction[] = [];
  private future: UndoAction[] = [];
  private nextId = 1;
  private readonly key: string;
  private readonly listeners = new Set<() => void>();
  private snapshot: UndoSnapshot;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly clock: Clock,
    tabId: string,
  ) {
    this.key = UNDO_PREFIX + tabId;
    this.load();
    this.snapshot = this.computeSnapshot();
  }

  /** Records a new action (a new action ends the redo branch). Typing a note in pauses is one step. */
  record(changes: readonly UndoChange[], kind: UndoAction['kind'] = 'edit'): void {
    if (!changes.length) return;
    const now = this.clock.now();
    const top = this.past.at(-1);
    const only = changes.length === 1 ? changes[0]! : null;
    if (kind === 'edit' && only && isNotesOnly(only) && top && top.kind === 'edit' && !this.future.length && now - top.at < NOTES_MERGE_MS) {
      const prev = top.changes.length === 1 ? top.changes[0]! : null;
      if (prev && prev.path === only.path && isNotesOnly(prev)) {
        prev.after = { notes: only.after.notes };
        top.at = now;
        // Typed back to where it started: nothing left to undo in this step.
        if (prev.before.notes === prev.after.notes) this.past.pop();
        this.changed();
        return;
      }
    }
    this.past.push({ id: this.nextId++, at: now, kind, changes: changes.map(cloneChange) });
    this.future = [];
    this.trim();
    this.changed();
  }

  /** Takes the newest action off the undo stack onto the redo stack. */
  takeUndo(): UndoAction | null {
    const action = this.past.pop();
    if (!action) return null;
    this.future.push(action);
    this.changed();
    return action;
  }

  /** Takes the next redo back onto the undo stack. */
  takeRedo(): UndoAction | null {
    const action = this.future.pop();
    if (!action) return null;
    this.past.push(action);
    this.changed();
    return action;
  }

  /** The item's file moved: its recorded changes follow it (the write queue's edits do too). */
  movePath(from: string, to: string): void {
    let touched = false;
    for (const a of [...this.past, ...this.future]) {
      for (const c of a.changes) {
        if (c.path === from) {
          c.path = to;
          touched = true;
        }
      }
    }
    if (touched) this.changed();
  }

  /** On pagehide: stamps the stack, so a reload (which removes the tab's alive stamp) finds it kept. */
  touch(): void {
    this.save();
  }

  /** Drops the stacks of tabs that have not been alive (write queue heartbeat) nor saved for a while. */
  dropOrphans(): number {
    const now = this.clock.now();
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key?.startsWith(UNDO_PREFIX) && key !== this.key) keys.push(key);
    }
    let dropped = 0;
    for (const key of keys) {
      if (isTabAlive(this.storage, key.slice(UNDO_PREFIX.length), now)) continue;
      const saved = read(this.storage, key)?.saved_at ?? 0;
      if (now - saved < ORPHAN_AFTER_MS) continue;
      this.storage.removeItem(key);
      dropped++;
    }
    return dropped;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UndoSnapshot => this.snapshot;

  private trim(): void {
    while (this.past.length + this.future.length > MAX_UNDO_STEPS || (this.count() > MAX_UNDO_CHANGES && this.past.length + this.future.length > 1)) {
      // The oldest undo goes first; with none left, the farthest redo.
      if (this.past.length) this.past.shift();
      else this.future.shift();
    }
  }

  private count(): number {
    let n = 0;
    for (const a of this.past) n += a.changes.length;
    for (const a of this.future) n += a.changes.length;
    return n;
  }

  private load(): void {
    const saved = read(this.storage, this.key);
    if (!saved) return;
    this.past = saved.past;
    this.future = saved.future;
    this.nextId = saved.next_id;
  }

  private save(): void {
    if (!this.past.length && !this.future.length) {
      this.storage.removeItem(this.key);
      return;
    }
    const data: Persisted = { v: 1, saved_at: this.clock.now(), next_id: this.nextId, past: this.past, future: this.future };
    this.storage.setItem(this.key, JSON.stringify(data));
  }

  private changed(): void {
    this.save();
    this.snapshot = this.computeSnapshot();
    for (const l of [...this.listeners]) l();
  }

  private computeSnapshot(): UndoSnapshot {
    const undo = this.past.at(-1);
    const redo = this.future.at(-1);
    return { canUndo: !!undo, canRedo: !!redo, undoCount: undo?.changes.length ?? 0, redoCount: redo?.changes.length ?? 0 };
  }
}

function isNotesOnly(c: UndoChange): boolean {
  return Object.keys(c.after).length === 1 && c.after.notes !== undefined;
}

function cloneChange(c: UndoChange): UndoChange {
  const copy = (v: UndoChange['before']) => ({ ...v, ...(v.tags ? { tags: [...v.tags] } : {}) });
  return { path: c.path, before: copy(c.before), after: copy(c.after) };
}

function read(storage: KeyValueStorage, key: string): Persisted | null {
  try {
    const parsed = JSON.parse(storage.getItem(key) ?? 'null') as Partial<Persisted> | null;
    if (parsed?.v !== 1 || !Array.isArray(parsed.past) || !Array.isArray(parsed.future)) return null;
    const valid = (a: UndoAction) => typeof a?.id === 'number' && Array.isArray(a.changes) && a.changes.every((c) => typeof c?.path === 'string' && c.before && c.after);
    return {
      v: 1,
      saved_at: Number(parsed.saved_at) || 0,
      next_id: Number(parsed.next_id) || 1,
      past: parsed.past.filter(valid),
      future: parsed.future.filter(valid),
    };
  } catch {
    return null;
  }
}
