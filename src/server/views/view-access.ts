import type { View } from '../../protocol/views.js';
import { can } from '../accounts/permissions.js';
import type { Principal } from '../accounts/principal.js';
import { AppError } from '../app-error.js';

/**
 * Who sees and changes which smart folder. Shared views are seen by everyone and changed by
 * admins; private ones are seen and changed by their owner only. A caller writes the list it
 * sees; `mergeVisible` puts that back together with the views it does not see.
 */

/** A stored view: owner and sharing always known. Private implies an owner. */
export type OwnedView = View & { owner: string | null; shared: boolean };

/** Views from before accounts (no owner, no flag) are shared, as everything was then. */
export function ownedView(view: View): OwnedView {
  const owner = view.owner ?? null;
  return { ...view, owner, shared: owner === null || view.shared !== false };
}

/**
 * What `owner` records for a principal. A token's key is `token:<name>`: user names cannot hold a
 * colon, so a token named like a person never sees that person's private views.
 */
export function ownerKey(p: Principal): string {
  return p.kind === 'token' ? `token:${p.name}` : p.name;
}

/** Seeing depends on the owner key only. */
export function canSee(view: OwnedView, name: string): boolean {
  return view.shared || view.owner === name;
}

export function visibleTo(views: readonly OwnedView[], name: string): OwnedView[] {
  return views.filter((v) => canSee(v, name));
}

/** Admins change shared views (everyone is an admin in local and open access). */
export function mayChangeShared(p: Principal): boolean {
  return can(p.role, 'shared_views');
}

/** Viewers and worker tokens keep no smart folders of their own. */
function mayOwnViews(p: Principal): boolean {
  return can(p.role, 'own_views');
}

/**
 * The whole list after `writer` replaced what it sees by `sent`. Views it does not see stay as
 * they were, each after the shared view it followed (shared views are the ones everybody sees, so
 * a private view keeps its place for its owner). Throws `forbidden` for a change the writer may
 * not make; the caller has checked the version first.
 */
export function mergeVisible(stored: readonly OwnedView[], sent: readonly View[], writer: Principal): OwnedView[] {
  const byId = new Map(stored.map((v) => [v.id, v]));
  const seen = new Set<string>();
  const next = sent.map((view) => {
    if (seen.has(view.id)) throw new AppError('invalid_body', `smart folder id ${view.id} is listed twice`, { id: view.id });
    seen.add(view.id);
    const before = byId.get(view.id);
    if (before && !canSee(before, ownerKey(writer))) throw forbidden(`smart folder ${view.id} belongs to someone else`);
    const after = resolve(view, before, writer);
    if (!before || !sameView(before, after)) checkChange(before, after, writer);
    return after;
  });
  const kept = new Set(next.map((v) => v.id));
  for (const before of stored) if (canSee(before, ownerKey(writer)) && !kept.has(before.id)) checkChange(before, undefined, writer);
  checkSharedOrder(stored, next, writer);
  return withHidden(stored, next, writer);
}

/** The stored form of a sent view: owner kept or stamped, never taken from the client. */
function resolve(view: View, before: OwnedView | undefined, writer: Principal): OwnedView {
  const shared = view.shared ?? before?.shared ?? mayChangeShared(writer);
  // A shared view made private goes to whoever made it private: otherwise a view of nobody (made
  // before accounts) or of another admin would vanish from the list of the person who chose so.
  const owner = !before || (before.shared && !shared) ? ownerKey(writer) : before.owner;
  return { ...view, owner, shared };
}

function checkChange(before: OwnedView | undefined, after: OwnedView | undefined, writer: Principal): void {
  if (!mayOwnViews(writer)) throw forbidden(`a ${writer.role} cannot change smart folders`);
  if (mayChangeShared(writer)) return;
  if (before?.shared || after?.shared) throw forbidden('only admins can create, change or delete shared smart folders');
}

/** Non-admins may not reorder shared views either: their order is everyone's. */
function checkSharedOrder(stored: readonly OwnedView[], next: readonly OwnedView[], writer: Principal): void {
  if (mayChangeShared(writer)) return;
  const order = (views: readonly OwnedView[]) => views.filter((v) => v.shared).map((v) => v.id).join('\n');
  if (order(stored) !== order(next)) throw forbidden('only admins can reorder shared smart folders');
}

function withHidden(stored: readonly OwnedView[], next: readonly OwnedView[], writer: Principal): OwnedView[] {
  const surviving = new Set(next.filter((v) => v.shared).map((v) => v.id));
  const after = new Map<string | null, OwnedView[]>();
  let anchor: string | null = null;
  for (const view of stored) {
    if (canSee(view, ownerKey(writer))) {
      if (view.shared && surviving.has(view.id)) anchor = view.id;
      continue;
    }
    const group = after.get(anchor) ?? [];
    group.push(view);
    after.set(anchor, group);
  }
  if (after.size === 0) return [...next];
  const out = [...(after.get(null) ?? [])];
  for (const view of next) out.push(view, ...(view.shared ? (after.get(view.id) ?? []) : []));
  return out;
}

/** Equal content, owner and sharing, whatever the key order. */
export function sameView(a: OwnedView, b: OwnedView): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

function forbidden(message: string): AppError {
  return new AppError('forbidden', message);
}

/**
 * Who must hear of a change from `before` to `after` made by `writer`: everyone when a shared view
 * changed (`undefined`), else the writer and the owners whose private views changed.
 */
export function audienceOf(before: readonly OwnedView[], after: readonly OwnedView[], writer: Principal): ((p: Principal) => boolean) | undefined {
  return audienceOfKey(before, after, ownerKey(writer));
}

/**
 * `audienceOf` by the writer's owner key; null when the writer is unknown (a change another server
 * made, seen only as its result): then the owners whose private views changed.
 */
export function audienceOfKey(before: readonly OwnedView[], after: readonly OwnedView[], writer: string | null): ((p: Principal) => boolean) | undefined {
  const shared = (views: readonly OwnedView[]) => canonical(views.filter((v) => v.shared));
  if (shared(before) !== shared(after)) return undefined;
  const owners = new Set(writer === null ? [] : [writer]);
  const a = privateByOwner(before);
  const b = privateByOwner(after);
  for (const owner of new Set([...a.keys(), ...b.keys()])) if (canonical(a.get(owner)) !== canonical(b.get(owner))) owners.add(owner);
  return (p) => owners.has(ownerKey(p));
}

function privateByOwner(views: readonly OwnedView[]): Map<string, OwnedView[]> {
  const out = new Map<string, OwnedView[]>();
  for (const v of views) {
    if (v.shared || v.owner === null) continue;
    const list = out.get(v.owner) ?? [];
    list.push(v);
    out.set(v.owner, list);
  }
  return out;
}
