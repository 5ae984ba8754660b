import { describe, expect, it } from 'vitest';
import { editedOffFilter, passesLabelClauses, type LabeledItem } from './filter-drift.js';

const item = (path: string, star: number | null, tags: string[] = [], notes = ''): LabeledItem => ({ path, star, flag: null, tags, notes });

describe('filter drift after own edits', () => {
  it('decides star, tag and text clauses as the server does; other clauses never move', () => {
    const five = item('/a/Beach.jpg', 5, ['sea', 'sun'], 'Best of the trip');
    expect(passesLabelClauses(five, [{ stars: [5] }])).toBe(true);
    expect(passesLabelClauses({ ...five, star: 3 }, [{ stars: [5] }])).toBe(false);
    expect(passesLabelClauses({ ...five, star: null }, [{ stars: [5, 0] }])).toBe(true); // 0 = unrated
    expect(passesLabelClauses({ ...five, flag: 'pick' }, [{ flags: ['pick'] }])).toBe(true);
    expect(passesLabelClauses(five, [{ flags: ['pick', 'reject'] }])).toBe(false);
    expect(passesLabelClauses(five, [{ flags: ['none'] }])).toBe(true); // none = unflagged
    expect(passesLabelClauses(five, [{ tags_all: ['sea', 'sun'] }, { tags_any: ['x', 'sun'] }, { tags_none: ['x'] }])).toBe(true);
    expect(passesLabelClauses({ ...five, tags: ['sea'] }, [{ tags_all: ['sea', 'sun'] }])).toBe(false);
    expect(passesLabelClauses({ ...five, tags: [] }, [{ tags_any: [] }])).toBe(true); // an empty clause constrains nothing
    expect(passesLabelClauses(five, [{ tags_none: ['sun'] }])).toBe(false);
    expect(passesLabelClauses(five, [{ text: ' BEACH ' }])).toBe(true); // the name, in the path
    expect(passesLabelClauses(five, [{ text: 'trip' }])).toBe(true); // the notes
    expect(passesLabelClauses({ ...five, notes: '' }, [{ text: 'trip' }])).toBe(false);
    expect(passesLabelClauses({ ...five, star: 1 }, [{ metric: 'aesthetic', min: 0.9 }, { width: { gt: 10 } }])).toBe(true);
  });

  it('counts only items I edited that no longer pass, and nothing without clauses or edits', () => {
    const list = [item('/1.jpg', 3), item('/2.jpg', 5), item('/3.jpg', 2), undefined];
    const clauses = [{ stars: [5] }];
    // /3.jpg fails too, but I didn't edit it: someone else's change refreshes the list by itself.
    expect(editedOffFilter(list, new Set(['/1.jpg', '/2.jpg']), clauses)).toBe(1);
    expect(editedOffFilter(list, new Set(['/2.jpg']), clauses)).toBe(0); // re-rated back into the filter
    expect(editedOffFilter(list, new Set(), clauses)).toBe(0);
    expect(editedOffFilter(list, new Set(['/1.jpg']), [])).toBe(0);
    expect(editedOffFilter(list, new Set(['/1.jpg']), [{ metric: 'aesthetic', min: 0.5 }])).toBe(0);
  });
});
