import { describe, expect, it } from 'vitest';
import { ORPHAN_AFTER_MS, QueueStorage } from './queue-storage.js';
import { FakeClock, storage } from './testing/fakes.js';
import { MAX_UNDO_CHANGES, MAX_UNDO_STEPS, NOTES_MERGE_MS, UndoStack } from './undo-stack.js';

const star = (path: string, from: number | null, to: number | null) => ({ path, before: { star: from }, after: { star: to } });
const note = (path: string, from: string, to: string) => ({ path, before: { notes: from }, after: { notes: to } });

describe('undo stack', () => {
  it('[UN6] undo takes the newest step, redo puts it back; a new action ends the redo branch', () => {
    const s = new UndoStack(storage(), new FakeClock(), 'tab1');
    expect(s.getSnapshot()).toEqual({ canUndo: false, canRedo: false, undoCount: 0, redoCount: 0 });
    s.record([star('/a', null, 1)]);
    s.record([star('/a', 1, 2), star('/b', null, 2)]);
    expect(s.getSnapshot()).toMatchObject({ canUndo: true, undoCount: 2 });
    expect(s.takeUndo()?.changes).toHaveLength(2);
    expect(s.getSnapshot()).toEqual({ canUndo: true, canRedo: true, undoCount: 1, redoCount: 2 });
    expect(s.takeRedo()?.changes).toHaveLength(2);
    s.takeUndo();
    s.record([star('/c', null, 3)]);
    expect(s.getSnapshot().canRedo).toBe(false);
    expect(s.takeUndo()?.changes[0]?.path).toBe('/c');
    expect(s.takeUndo()?.changes[0]?.path).toBe('/a');
    expect(s.takeUndo()).toBeNull();
  });

  it('[UN7] a batch is one step, whatever its size', () => {
    const s = new UndoStack(storage(), new FakeClock(), 'tab1');
    s.record(Array.from({ length: 300 }, (_, i) => star(`/p${i}`, null, 5)));
    expect(s.takeUndo()?.changes).toHaveLength(300);
    expect(s.getSnapshot().canUndo).toBe(false);
  });

  it('[UN8] notes saved while typing, in pauses, are one step; another item or a pause over the limit starts a new one', async () => {
    const clock = new FakeClock();
    const s = new UndoStack(storage(), clock, 'tab1');
    s.record([note('/a', '', 'Gol')]);
    await clock.advance(2_000);
    s.record([note('/a', 'Gol', 'Golden')]);
    expect(s.getSnapshot().undoCount).toBe(1);
    await clock.advance(NOTES_MERGE_MS + 1);
    s.record([note('/a', 'Golden', 'Golden hour')]);
    s.record([note('/b', '', 'x')]);
    expect(s.takeUndo()?.changes[0]?.path).toBe('/b');
    expect(s.takeUndo()?.changes[0]).toEqual(note('/a', 'Golden', 'Golden hour'));
    expect(s.takeUndo()?.changes[0]).toEqual(note('/a', '', 'Golden'));
  });

  it('[UN9] survives a reload of its tab (kept in localStorage under the tab id); another tab has its own', () => {
    const local = storage();
    const clock = new FakeClock();
    const first = new UndoStack(local, clock, 'tab1');
    first.record([star('/a', null, 4)]);
    first.record([star('/a', 4, 5)]);
    first.takeUndo();
    const reloaded = new UndoStack(local, clock, 'tab1');
    expect(reloaded.getSnapshot()).toEqual({ canUndo: true, canRedo: true, undoCount: 1, redoCount: 1 });
    expect(reloaded.takeRedo()?.changes[0]).toEqual(star('/a', 4, 5));
    expect(new UndoStack(local, clock, 'tab2').getSnapshot().canUndo).toBe(false);
    local.setItem('lenslet.undo.tab3', '{not json');
    expect(new UndoStack(local, clock, 'tab3').getSnapshot().canUndo).toBe(false);
  });

  it('[UN10] keeps at most MAX_UNDO_STEPS steps and MAX_UNDO_CHANGES item changes, dropping the oldest', () => {
    const s = new UndoStack(storage(), new FakeClock(), 'tab1');
    for (let i = 0; i < MAX_UNDO_STEPS + 5; i++) s.record([star(`/p${i}`, null, 1)]);
    let n = 0;
    while (s.takeUndo()) n++;
    expect(n).toBe(MAX_UNDO_STEPS);
    const big = new UndoStack(storage(), new FakeClock(), 'tab2');
    big.record([star('/first', null, 1)]);
    big.record(Array.from({ length: MAX_UNDO_CHANGES }, (_, i) => star(`/q${i}`, null, 1)));
    expect(big.takeUndo()?.changes).toHaveLength(MAX_UNDO_CHANGES);
    expect(big.takeUndo()).toBeNull();
  });

  it('[UN11] steps follow an item whose file moved', () => {
    const s = new UndoStack(storage(), new FakeClock(), 'tab1');
    s.record([star('/old.jpg', null, 3), star('/b.jpg', null, 3)]);
    s.movePath('/old.jpg', '/new.jpg');
    expect(s.takeUndo()?.changes.map((c) => c.path)).toEqual(['/new.jpg', '/b.jpg']);
  });

  it('[UN12] the stack of a tab gone for good is dropped; a live tab, or one just reloading, keeps its own', async () => {
    const local = storage();
    const clock = new FakeClock();
    const gone = new UndoStack(local, clock, 'gone');
    gone.record([star('/a', null, 1)]);
    const reloading = new UndoStack(local, clock, 'reloading');
    reloading.record([star('/a', null, 1)]);
    const live = new UndoStack(local, clock, 'live');
    live.record([star('/a', null, 1)]);
    await clock.advance(ORPHAN_AFTER_MS * 3);
    new QueueStorage(local, clock, 'live').markAlive();
    reloading.touch(); // pagehide of a reload
    const me = new UndoStack(local, clock, 'me');
    expect(me.dropOrphans()).toBe(1);
    expect(local.getItem('lenslet.undo.gone')).toBeNull();
    expect(local.getItem('lenslet.undo.reloading')).not.toBeNull();
    expect(local.getItem('lenslet.undo.live')).not.toBeNull();
  });
});
