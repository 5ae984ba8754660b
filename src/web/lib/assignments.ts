import type { Assignment } from '../../protocol/progress.js';

/** What an assignment is about: a folder (its subtree) or a smart folder. */
export type AssignScope = { kind: 'folder'; path: string } | { kind: 'view'; id: string };

export function assignmentOf(list: readonly Assignment[], scope: AssignScope): Assignment | undefined {
  return list.find((a) => (scope.kind === 'view' ? a.view === scope.id : a.path === scope.path));
}

/** "ann, Bob ,ann" → ['ann', 'Bob']: trimmed, without repeats (names compare without case). */
export function parsePeople(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const name = raw.trim();
    if (!name || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

/**
 * The list with `people` added to the scope's assignment (made with `id` when there is none) or,
 * with `remove`, taken off it; an assignment left with nobody is dropped.
 */
export function withPeople(list: readonly Assignment[], scope: AssignScope, people: readonly string[], id: string, remove = false): Assignment[] {
  const current = assignmentOf(list, scope);
  const lower = new Set(people.map((p) => p.toLowerCase()));
  if (!current) {
    if (remove || !people.length) return [...list];
    return [...list, { id, ...(scope.kind === 'view' ? { view: scope.id } : { path: scope.path }), people: [...people] }];
  }
  const kept = remove ? current.people.filter((p) => !lower.has(p.toLowerCase())) : current.people;
  const have = new Set(kept.map((p) => p.toLowerCase()));
  const next = remove ? kept : [...kept, ...people.filter((p) => !have.has(p.toLowerCase()))];
  if (!next.length) return list.filter((a) => a !== current);
  return list.map((a) => (a === current ? { ...a, people: next } : a));
}

/** The rule as the select shows it: `tag:<name>` is the "A tag" choice plus the name. */
export function ruleChoice(rule: string): { choice: 'any' | 'star' | 'flag' | 'tag'; tag: string } {
  if (rule.startsWith('tag:')) return { choice: 'tag', tag: rule.slice(4) };
  return { choice: rule === 'star' || rule === 'flag' ? rule : 'any', tag: '' };
}
