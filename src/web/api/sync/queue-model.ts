import type { LabelOps, LabelState } from './label-ops.js';
import type { ConflictField } from './rebase.js';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; keepalive?: boolean }) => Promise<ResponseLike>;

export type ItemEditState = 'queued' | 'conflict' | 'invalid' | 'missing';

export interface QueuedItem {
  path: string;
  /** The server state the edit was made against (its version is the PATCH's `base_version`). */
  base: LabelState;
  ops: LabelOps;
  state: ItemEditState;
  /** On conflict: the server's newer state, and the fields that overlap. */
  current?: LabelState;
  fields?: ConflictField[];
  message?: string;
  rebases?: number;
}

export interface QueuedEntry {
  key: string;
  items: QueuedItem[];
  user: string;
  created_at: number;
  /** Once sent, the body is frozen: a retry must repeat the same key with the same body. */
  sent: boolean;
  attempts: number;
  next_at: number;
  error?: 'network' | 'server';
}

export type ItemSyncStatus = 'saving' | 'retrying' | 'saved' | 'conflict' | 'invalid' | 'missing';
export interface ItemSyncState {
  status: ItemSyncStatus;
  fields?: ConflictField[];
  current?: LabelState;
  mine?: LabelOps;
  message?: string;
}

export type GlobalSyncStatus = 'saved' | 'syncing' | 'retrying' | 'conflict' | 'error' | 'paused' | 'denied' | 'signed-out';
export interface SyncSnapshot {
  status: GlobalSyncStatus;
  pending: number;
  conflicts: number;
  failed: number;
  retryAt: number | null;
  message: string | null;
  items: ReadonlyMap<string, ItemSyncState>;
}

export interface SnapshotInput {
  entries: readonly QueuedEntry[];
  inFlight: ReadonlySet<string>;
  savedPaths: Iterable<string>;
  denied: string | null;
  /** A write was answered 401: sending waits for sign-in. */
  signedOut: boolean;
  rateLimitedUntil: number;
  now: number;
}

/** What the UI shows: the global status and each item's save state, derived from the queue. */
export function computeSnapshot(q: SnapshotInput): SyncSnapshot {
  const items = new Map<string, ItemSyncState>();
  let pending = 0;
  let conflicts = 0;
  let failed = 0;
  let retrying = false;
  let retryAt: number | null = null;
  for (const p of q.savedPaths) items.set(p, { status: 'saved' });
  for (const e of q.entries) {
    for (const i of e.items) {
      const prev = items.get(i.path);
      if (i.state === 'conflict') {
        conflicts++;
        items.set(i.path, { status: 'conflict', fields: i.fields, current: i.current, mine: i.ops });
      } else if (i.state === 'invalid' || i.state === 'missing') {
        failed++;
        if (prev?.status !== 'conflict') items.set(i.path, { status: i.state, message: i.message });
      } else {
        pending++;
        const status: ItemSyncStatus = e.error && !q.inFlight.has(e.key) ? 'retrying' : 'saving';
        if (status === 'retrying') {
          retrying = true;
          retryAt = retryAt === null ? e.next_at : Math.min(retryAt, e.next_at);
        }
        if (!prev || prev.status === 'saved' || (prev.status === 'saving' && status === 'retrying')) items.set(i.path, { status });
      }
    }
  }
  let status: GlobalSyncStatus = 'saved';
  let message: string | null = null;
  if (q.signedOut && pending) status = 'signed-out';
  else if (q.denied) [status, message] = ['denied', q.denied];
  else if (q.rateLimitedUntil > q.now && pending) [status, retryAt] = ['paused', q.rateLimitedUntil];
  else if (retrying) status = 'retrying';
  else if (pending) status = 'syncing';
  else if (conflicts) status = 'conflict';
  else if (failed) status = 'error';
  return { status, pending, conflicts, failed, retryAt, message, items };
}
