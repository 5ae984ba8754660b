import { describe, expect, it } from 'vitest';
import { parsePeople, ruleChoice, withPeople } from './assignments.js';

describe('assignment edits', () => {
  const list = [{ id: 'a1', path: '/x', people: ['bob'] }];

  it('[PW4] adds people to the scope’s assignment, or makes one', () => {
    expect(withPeople(list, { kind: 'folder', path: '/x' }, ['Bob', 'cy'], 'new')).toEqual([{ id: 'a1', path: '/x', people: ['bob', 'cy'] }]);
    expect(withPeople(list, { kind: 'view', id: 'v1' }, ['cy'], 'a2')).toEqual([...list, { id: 'a2', view: 'v1', people: ['cy'] }]);
  });

  it('[PW4] takes a person off, and drops an assignment left with nobody', () => {
    const two = [{ id: 'a1', path: '/x', people: ['bob', 'cy'] }];
    expect(withPeople(two, { kind: 'folder', path: '/x' }, ['BOB'], '', true)).toEqual([{ id: 'a1', path: '/x', people: ['cy'] }]);
    expect(withPeople(list, { kind: 'folder', path: '/x' }, ['bob'], '', true)).toEqual([]);
    expect(withPeople(list, { kind: 'folder', path: '/y' }, ['bob'], '', true)).toEqual(list);
  });

  it('[PW4] reads a list of names and the labeled rule', () => {
    expect(parsePeople(' ann, Bob ,ANN,, ')).toEqual(['ann', 'Bob']);
    expect(ruleChoice('tag:done')).toEqual({ choice: 'tag', tag: 'done' });
    expect(ruleChoice('flag')).toEqual({ choice: 'flag', tag: '' });
    expect(ruleChoice('any')).toEqual({ choice: 'any', tag: '' });
  });
});
