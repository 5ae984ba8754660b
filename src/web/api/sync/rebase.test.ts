import { describe, expect, it } from 'vitest';
import { rebase } from './rebase.js';
import { applyOps, isSatisfied, mergeOps, type LabelState } from './label-ops.js';

const state = (over: Partial<LabelState> = {}): LabelState => ({ version: 1, star: null, flag: null, tags: [], notes: '', ...over });

describe('rebase', () => {
  it('rebases a star when the other change did not touch the star', () => {
    const r = rebase({ set_star: 4 }, state(), state({ version: 2, notes: 'theirs' }));
    expect(r).toEqual({ kind: 'rebased', ops: { set_star: 4 } });
  });

  it('reports a star conflict when both changed the star differently', () => {
    const r = rebase({ set_star: 4 }, state({ star: 1, flag: null }), state({ version: 2, star: 2, flag: null }));
    expect(r).toMatchObject({ kind: 'conflict', fields: ['star'], conflictOps: { set_star: 4 } });
  });

  it('rebases a flag nobody else touched, and reports one someone else changed differently', () => {
    expect(rebase({ set_flag: 'pick' }, state(), state({ version: 2, star: 3 }))).toEqual({ kind: 'rebased', ops: { set_flag: 'pick' } });
    const r = rebase({ set_flag: 'pick', set_star: 2 }, state(), state({ version: 2, flag: 'reject' }));
    expect(r).toEqual({ kind: 'conflict', fields: ['flag'], autoOps: { set_star: 2 }, conflictOps: { set_flag: 'pick' } });
    expect(rebase({ set_flag: null }, state({ flag: 'pick' }), state({ version: 2, flag: null }))).toEqual({ kind: 'satisfied' });
  });

  it('merges, applies and checks set_flag like set_star', () => {
    expect(mergeOps({ set_flag: 'pick', set_star: 1 }, { set_flag: 'reject' })).toEqual({ set_star: 1, set_flag: 'reject' });
    expect(mergeOps({ set_flag: 'pick' }, { add_tags: ['a'] })).toEqual({ set_flag: 'pick', add_tags: ['a'] });
    expect(applyOps(state({ star: 2 }), { set_flag: 'reject' })).toMatchObject({ star: 2, flag: 'reject' });
    expect(isSatisfied({ set_flag: 'pick' }, state({ flag: 'pick' }))).toBe(true);
    expect(isSatisfied({ set_flag: null }, state({ flag: 'pick' }))).toBe(false);
  });

  it('is satisfied when the other person made the same change', () => {
    expect(rebase({ set_star: 4, add_tags: ['a'] }, state(), state({ version: 3, star: 4, flag: null, tags: ['a'] }))).toEqual({
      kind: 'satisfied',
    });
  });

  it('merges tag additions and removals with someone else’s tag changes', () => {
    const base = state({ tags: ['x', 'y'] });
    const current = state({ version: 2, tags: ['x', 'y', 'theirs'] });
    const r = rebase({ add_tags: ['mine'], remove_tags: ['y'] }, base, current);
    expect(r).toEqual({ kind: 'rebased', ops: { add_tags: ['mine'], remove_tags: ['y'] } });
    if (r.kind === 'rebased') expect(applyOps(current, r.ops).tags).toEqual(['x', 'theirs', 'mine']);
  });

  it('drops tag operations the other change already did', () => {
    const r = rebase({ add_tags: ['a', 'b'], remove_tags: ['c'] }, state({ tags: ['c'] }), state({ version: 2, tags: ['a'] }));
    expect(r).toEqual({ kind: 'rebased', ops: { add_tags: ['b'] } });
  });

  it('asks about notes when both wrote different notes', () => {
    const r = rebase({ set_notes: 'mine' }, state({ notes: 'old' }), state({ version: 2, notes: 'theirs' }));
    expect(r).toEqual({ kind: 'conflict', fields: ['notes'], autoOps: {}, conflictOps: { set_notes: 'mine' } });
  });

  it('rebases notes when the other change left notes alone', () => {
    const r = rebase({ set_notes: 'mine' }, state({ notes: 'old' }), state({ version: 2, notes: 'old', star: 3, flag: null }));
    expect(r).toEqual({ kind: 'rebased', ops: { set_notes: 'mine' } });
  });

  it('splits an edit: the star goes out, the conflicting notes wait', () => {
    const r = rebase({ set_star: 5, set_notes: 'mine' }, state(), state({ version: 2, notes: 'theirs' }));
    expect(r).toEqual({ kind: 'conflict', fields: ['notes'], autoOps: { set_star: 5 }, conflictOps: { set_notes: 'mine' } });
  });

  it('treats a whole-list tag replacement as a conflict only when their tags differ from the base', () => {
    expect(rebase({ set_tags: ['a'] }, state({ tags: ['b'] }), state({ version: 2, tags: ['b'], star: 1, flag: null }))).toEqual({
      kind: 'rebased',
      ops: { set_tags: ['a'] },
    });
    expect(rebase({ set_tags: ['a'] }, state({ tags: ['b'] }), state({ version: 2, tags: ['c'] }))).toMatchObject({
      kind: 'conflict',
      fields: ['tags'],
    });
  });

  it('treats clearing the star (null) like any other value', () => {
    expect(rebase({ set_star: null }, state({ star: 3, flag: null }), state({ version: 2, star: 3, flag: null, notes: 'n' }))).toEqual({
      kind: 'rebased',
      ops: { set_star: null },
    });
    expect(rebase({ set_star: null }, state({ star: 3 }), state({ version: 2, star: 1 }))).toMatchObject({ kind: 'conflict' });
  });
});

describe('label ops', () => {
  it('merges consecutive edits into one with the same effect', () => {
    const s = state({ tags: ['x'] });
    const a = { add_tags: ['a'], remove_tags: ['x'], set_star: 2 };
    const b = { remove_tags: ['a'], add_tags: ['x', 'b'], set_notes: 'n' };
    expect(applyOps(s, mergeOps(a, b))).toEqual(applyOps(applyOps(s, a), b));
    expect(mergeOps(a, b)).toEqual({ set_star: 2, set_notes: 'n', add_tags: ['x', 'b'], remove_tags: ['a'] });
  });

  it('folds tag operations into an earlier whole-list replacement', () => {
    expect(mergeOps({ set_tags: ['a', 'b'] }, { remove_tags: ['a'], add_tags: ['c'] })).toEqual({ set_tags: ['b', 'c'] });
    expect(mergeOps({ add_tags: ['z'] }, { set_tags: ['q'] })).toEqual({ set_tags: ['q'] });
  });

  it('applies set, then remove, then add, trimming and deduplicating', () => {
    expect(applyOps(state({ tags: ['a'] }), { set_tags: [' b ', 'b', 'c'], remove_tags: ['c'], add_tags: ['d', 'b'] }).tags).toEqual([
      'b',
      'd',
    ]);
  });

  it('knows when a state satisfies an edit', () => {
    expect(isSatisfied({ set_star: 3, add_tags: ['a'] }, state({ star: 3, flag: null, tags: ['a', 'b'] }))).toBe(true);
    expect(isSatisfied({ remove_tags: ['b'] }, state({ tags: ['a', 'b'] }))).toBe(false);
    expect(isSatisfied({ set_notes: 'x' }, state({ notes: 'y' }))).toBe(false);
  });
});
