import type { Item } from '../../protocol/items.js';
import { canonicalPath, isWithin } from '../../protocol/paths.js';
import type { Assignment, AssignmentsDocument, SettingsDocument } from '../../protocol/progress.js';
import type { Catalog } from '../catalog/catalog.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import type { QueryEngine } from '../query/query-engine.js';
import { itemView } from '../query/item-view.js';
import type { ViewsStore } from '../views/views-store.js';
import { isLabeled } from './labeled-rule.js';
import type { TeamDocument } from './team-document.js';
import { WorkSplit } from './work-split.js';

export interface MyWorkOptions {
  catalog: Catalog;
  query: Pick<QueryEngine, 'scopeIds'>;
  labels: LabelLookup & { readonly revision: number };
  views: Pick<ViewsStore, 'find' | 'version'>;
  settings: TeamDocument<Omit<SettingsDocument, 'version'>>;
  assignments: TeamDocument<Omit<AssignmentsDocument, 'version'>>;
}

/** People's names compare without case, as account names do. */
export function personKey(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

/** A person's list, kept while nothing it depends on changed. */
interface Kept {
  stamp: string;
  ids: Int32Array;
}

const MAX_KEPT = 64;

/**
 * "My work" (PR5–PR7): the unlabeled items of every assignment that names the person, each shared
 * assignment split between its people by `WorkSplit`, in path order. The list is kept per person
 * until a label, the catalog, the setting, the assignments or the smart folders change, so paging
 * through it costs one window each.
 */
export class MyWork {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly options: MyWorkOptions) {}

  mine(person: string, offset: number, limit: number): { items: Item[]; total: number; offset: number; limit: number } {
    const { catalog, labels } = this.options;
    const ids = this.idsOf(personKey(person));
    const items: Item[] = [];
    const end = Math.min(ids.length, offset + limit);
    for (let i = offset; i < end; i++) items.push(itemView(catalog, ids[i]!, labels.peek(catalog.paths[ids[i]!]!)));
    return { items, total: ids.length, offset, limit };
  }

  /**
   * Whom each item is assigned to (the first assignment that holds it decides), for the labels
   * export's `assignee` column; labeled items too: the split is by path, not by progress.
   */
  assignees(): (path: string) => string | null {
    const scopes = this.options.assignments.get().assignments.map((a) => ({
      split: splitOf(a),
      holds: this.holder(a),
      names: new Map(a.people.map((p) => [personKey(p), p.trim()])),
    }));
    return (path) => {
      for (const scope of scopes) if (scope.holds(path)) return scope.names.get(scope.split.ownerOf(path)) ?? null;
      return null;
    };
  }

  private idsOf(person: string): Int32Array {
    const { catalog, labels, views, settings, assignments } = this.options;
    const doc = assignments.get();
    const stamp = `${catalog.generation}:${labels.revision}:${settings.get().version}:${doc.version}:${views.version}`;
    const kept = this.kept.get(person);
    if (kept?.stamp === stamp) return kept.ids;
    const rule = settings.get().labeled;
    const seen = new Uint8Array(catalog.size);
    const mine: number[] = [];
    for (const assignment of doc.assignments) {
      const split = splitOf(assignment);
      const index = split.people.indexOf(person);
      if (index < 0) continue;
      const scope = this.scopeOf(assignment);
      if (!scope) continue;
      for (let i = 0; i < scope.count; i++) {
        const id = scope.ids[i]!;
        if (seen[id]) continue;
        const path = catalog.paths[id]!;
        if (isLabeled(rule, labels.peek(path)) || split.ownerIndex(path) !== index) continue;
        seen[id] = 1;
        mine.push(id);
      }
    }
    // Path order: folder by folder, the same on every server (code units, no locale).
    const paths = catalog.paths;
    mine.sort((a, b) => (paths[a]! < paths[b]! ? -1 : paths[a]! > paths[b]! ? 1 : 0));
    const ids = Int32Array.from(mine);
    if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(person, { stamp, ids });
    return ids;
  }

  /** The ids an assignment covers now; none when its folder or smart folder is gone. */
  private scopeOf(assignment: Assignment): { ids: Int32Array; count: number } | undefined {
    const { query, views } = this.options;
    try {
      if (assignment.path !== undefined) return query.scopeIds(assignment.path, true, []);
      const view = views.find(assignment.view!);
      return view ? query.scopeIds(view.path, view.recursive, view.filters) : undefined;
    } catch {
      // A folder that no longer exists (or a bad path kept from before) holds no work.
      return undefined;
    }
  }

  private holder(assignment: Assignment): (path: string) => boolean {
    if (assignment.path !== undefined) {
      const folder = canonicalPath(assignment.path);
      return folder.ok ? (path) => isWithin(path, folder.path) : () => false;
    }
    const scope = this.scopeOf(assignment);
    const { catalog } = this.options;
    const members = new Uint8Array(catalog.size);
    if (scope) for (let i = 0; i < scope.count; i++) members[scope.ids[i]!] = 1;
    return (path) => {
      const id = catalog.idOf(path);
      return id !== undefined && members[id] === 1;
    };
  }
}

function splitOf(assignment: Assignment): WorkSplit {
  return new WorkSplit(assignment.people.map(personKey));
}
