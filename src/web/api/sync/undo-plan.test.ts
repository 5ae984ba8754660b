import { describe, expect, it } from 'vitest';
import type { LabelState } from './label-ops.js';
import { changeOf, opsToward, planStep } from './undo-plan.js';

const state = (over: Partial<LabelState> = {}): LabelState => ({ version: 5, star: null, flag: null, tags: [], notes: '', ...over });

describe('undo plan: what a step writes, and when it must not', () => {
  it('[UN1] records only the fields an action changed, with their values before and after', () => {
    const shown = state({ star: 2, tags: ['a', 'b'], notes: 'n' });
    expect(changeOf('/x', shown, { set_star: 4 })).toEqual({ path: '/x', before: { star: 2 }, after: { star: 4 } });
    expect(changeOf('/x', shown, { add_tags: ['c'], set_flag: 'pick' })).toEqual({
      path: '/x',
      before: { flag: null, tags: ['a', 'b'] },
      after: { flag: 'pick', tags: ['a', 'b', 'c'] },
    });
    // Re-rating 2★ to 2★, or adding a tag already there, changes nothing: no step.
    expect(changeOf('/x', shown, { set_star: 2, add_tags: ['a'] })).toBeNull();
  });

  it('[UN2] an undo sets star, flag and notes back and reverses tag additions and removals one by one', () => {
    expect(opsToward({ star: 4, flag: 'pick', notes: 'new', tags: ['a', 'c'] }, { star: null, flag: null, notes: 'old', tags: ['a', 'b'] })).toEqual({
      set_star: null,
      set_flag: null,
      set_notes: 'old',
      add_tags: ['b'],
      remove_tags: ['c'],
    });
  });

  it('[UN3] an undo of a field nobody else changed is sent; other fields someone changed do not matter', () => {
    const change = { path: '/x', before: { star: 2 }, after: { star: 4 } };
    const plan = planStep(change, 'undo', state({ star: 4, tags: ['theirs'], notes: 'theirs' }));
    expect(plan).toEqual({ kind: 'send', ops: { set_star: 2 } });
    expect(planStep(change, 'redo', state({ star: 2 }))).toEqual({ kind: 'send', ops: { set_star: 4 } });
  });

  it('[UN4] a field someone else changed since is not overwritten: it becomes a conflict for the user', () => {
    const change = { path: '/x', before: { star: 2, notes: 'a' }, after: { star: 4, notes: 'b' } };
    const plan = planStep(change, 'undo', state({ star: 5, notes: 'b' }));
    expect(plan).toEqual({ kind: 'conflict', fields: ['star'], autoOps: { set_notes: 'a' }, conflictOps: { set_star: 2 } });
    // Redo meets the same rule against the values the undo left.
    expect(planStep(change, 'redo', state({ star: 1, notes: 'a' }))).toMatchObject({ kind: 'conflict', fields: ['star'] });
    expect(planStep({ path: '/x', before: { flag: null }, after: { flag: 'pick' } }, 'undo', state({ flag: 'reject' }))).toMatchObject({
      kind: 'conflict',
      fields: ['flag'],
    });
  });

  it('[UN5] a step the item already shows is done; tag steps never conflict (per-tag, like the 409 rules)', () => {
    expect(planStep({ path: '/x', before: { star: 2 }, after: { star: 4 } }, 'undo', state({ star: 2 }))).toEqual({ kind: 'done' });
    const tags = { path: '/x', before: { tags: ['a'] }, after: { tags: ['a', 'cat'] } };
    // Someone added "dog" meanwhile: the undo removes only "cat".
    expect(planStep(tags, 'undo', state({ tags: ['a', 'cat', 'dog'] }))).toEqual({ kind: 'send', ops: { remove_tags: ['cat'] } });
    // Someone removed "cat" already: nothing left to undo.
    expect(planStep(tags, 'undo', state({ tags: ['a'] }))).toEqual({ kind: 'done' });
  });
});
