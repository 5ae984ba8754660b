import type { View } from '../../../protocol/views.js';

/** One change to the smart-folder list, kept as an intent so it can be re-applied after a 409. */
export type ViewEdit =
  | { type: 'add'; view: View }
  | { type: 'update'; id: string; changes: Pick<Partial<View>, 'name' | 'shared'> }
  | { type: 'delete'; id: string };

/**
 * Applies an edit to a list. On a version conflict the edit is re-applied onto the list the
 * server holds now, so concurrent adds from two browsers both survive: an add whose id is taken
 * replaces that entry (it is the same add, replayed), an update or delete of a view someone else
 * already deleted (or made private) does nothing.
 */
export function applyViewEdit(views: readonly View[], edit: ViewEdit): View[] {
  switch (edit.type) {
    case 'add': {
      const i = views.findIndex((v) => v.id === edit.view.id);
      return i < 0 ? [...views, edit.view] : views.map((v, j) => (j === i ? edit.view : v));
    }
    case 'update':
      return views.map((v) => (v.id === edit.id ? { ...v, ...edit.changes } : v));
    case 'delete':
      return views.filter((v) => v.id !== edit.id);
  }
}

/** A new id: a slug of the name plus a random suffix, so two browsers saving "Best" don't collide. */
export function newViewId(name: string, random: () => number = Math.random): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${slug || 'view'}-${suffix}`;
}
