import { z } from 'zod';
import { patchItemBodySchema, putItemBodySchema, starSchema, type Sidecar } from '../../protocol/items.js';
import { AppError } from '../app-error.js';
import type { ChangeFeed } from '../events/change-feed.js';
import type { LabelLookup, LabelSnapshot } from './label-lookup.js';
import {
  actorOf,
  checkNotes,
  fingerprint,
  metricsInputSchema,
  normalizeTags,
  parseBody,
  parseIfMatch,
  requireIdempotencyKey,
  requirePath,
  resolveBaseVersion,
} from './label-input.js';
import { GroupCommitter } from './group-commit.js';
import { LabelProjection } from './label-projection.js';
import { seededSidecar } from './label-model.js';
import { renderResponse, type ResponseSpec } from './label-responses.js';
import type {
  LabelPatch,
  LabelSeedRow,
  LabelStore,
  LabelWrite,
  StoredEvent,
  StoredResponse,
  UnitOutcome,
  WriteUnit,
} from './label-store.js';

/** Headers that matter to a write, already read by the route. */
export interface WriteContext {
  idempotencyKey?: string;
  ifMatch?: string;
  user?: string;
  clientId?: string;
}

/** An outcome ready to send: status and body, plus whether it was replayed from the idempotency cache. */
export interface WriteResponse extends StoredResponse {
  replayed: boolean;
}

export interface LabelServiceOptions {
  store: LabelStore;
  feed: ChangeFeed;
  /** True when the gallery has an image at this canonical path. */
  itemExists: (path: string) => boolean;
  now?: () => number;
}

export interface LabelsHealth {
  persistent: boolean;
  store: string;
  path: string | null;
  last_event_id: number;
}

export interface HistoryEntry {
  event_id: number;
  type: StoredEvent['type'];
  version: number;
  updated_at: string;
  updated_by: string;
  changes: StoredEvent['changes'];
}

const MAX_BATCH = 5000;
/** How often expired idempotency records are pruned. */
const PRUNE_EVERY_MS = 60_000;
const patchEntrySchema = patchItemBodySchema.extend({ path: z.string() });
const batchArraySchema = z.array(patchEntrySchema);
const batchObjectSchema = z.object({ items: batchArraySchema });
const metricsBodySchema = z.object({
  items: z.array(z.object({ path: z.string(), metrics: metricsInputSchema })).max(MAX_BATCH),
});

/**
 * The label rules between HTTP and the store: validation and normalisation, version checks,
 * idempotency, who/when stamping, group commit, publishing committed events, and the in-memory
 * projection that listings read through `LabelLookup`.
 */
export class LabelService implements LabelLookup {
  private readonly projection = new LabelProjection();
  private readonly committer: GroupCommitter;
  private readonly now: () => number;
  private readonly pruneTimer: NodeJS.Timeout;
  private lastEventId = 0;
  private closed = false;
  private stopWatching: () => void = () => {};

  private constructor(private readonly options: LabelServiceOptions) {
    this.now = options.now ?? Date.now;
    this.committer = new GroupCommitter(options.store, this.now, (outcomes) => this.afterCommit(outcomes));
    this.pruneTimer = setInterval(() => {
      options.store.pruneIdempotency(this.now()).catch((error: unknown) => console.error('idempotency prune failed', error));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  /** Opens the service over a store, loading the projection of every labeled item. */
  static async open(options: LabelServiceOptions): Promise<LabelService> {
    const service = new LabelService(options);
    // Position first, then state: a write by another process in between is caught up, not lost.
    service.lastEventId = await options.store.currentEventId();
    await service.projection.load(options.store.exportUnder('/'));
    const stop = options.store.watchExternal?.(() => {
      void service.committer.exclusive(() => service.catchUp()).catch((error: unknown) => console.error('label catch-up failed', error));
    });
    if (stop) service.stopWatching = stop;
    return service;
  }

  /** Group-commit counters (transactions, units, time spent committing). */
  get commitStats(): { commits: number; units: number; commit_ms: number } {
    return { ...this.committer.stats };
  }

  get store(): LabelStore {
    return this.options.store;
  }

  // LabelLookup: synchronous reads for listings, search and queries.
  peek(path: string): LabelSnapshot | undefined {
    return this.projection.peek(path);
  }

  forEachLabeled(visit: (path: string, labels: LabelSnapshot) => void): void {
    this.projection.forEachLabeled(visit);
  }

  health(): LabelsHealth {
    const { store } = this.options;
    return { persistent: store.persistent, store: store.kind, path: store.location, last_event_id: this.lastEventId };
  }

  async getItem(rawPath: unknown): Promise<Sidecar> {
    const path = this.existingPath(rawPath);
    return this.options.store.get(path);
  }

  async history(rawPath: unknown, rawLimit: unknown): Promise<{ path: string; entries: HistoryEntry[] }> {
    const path = this.existingPath(rawPath);
    const limit = rawLimit === undefined ? 100 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new AppError('invalid_parameter', 'limit must be an integer from 1 to 1000', { field: 'limit' });
    }
    const events = await this.options.store.history(path, limit);
    return {
      path,
      entries: events.map((e) => ({
        event_id: e.id,
        type: e.type,
        version: e.data.version,
        updated_at: e.data.updated_at,
        updated_by: e.data.updated_by,
        changes: e.changes,
      })),
    };
  }

  /** PUT /item: full replace of tags, notes and star. */
  async putItem(rawPath: unknown, body: unknown, ctx: WriteContext): Promise<WriteResponse> {
    const path = this.existingPath(rawPath);
    const key = requireIdempotencyKey(ctx.idempotencyKey);
    const input = parseBody(putItemBodySchema, body);
    const base = resolveBaseVersion(parseIfMatch(ctx.ifMatch), input.base_version);
    const labels = { tags: normalizeTags(input.tags, 'tags'), notes: checkNotes(input.notes, 'notes'), star: input.star };
    const write: LabelWrite = { path, expected_version: base, labels, ...this.stamp(ctx) };
    return this.submitSingle(key, ['PUT /item', path, base, labels], write);
  }

  /** PATCH /item: only the fields sent change (set, then remove, then add). */
  async patchItem(rawPath: unknown, body: unknown, ctx: WriteContext): Promise<WriteResponse> {
    const path = this.existingPath(rawPath);
    const key = requireIdempotencyKey(ctx.idempotencyKey);
    const input = parseBody(patchItemBodySchema, body);
    const base = resolveBaseVersion(parseIfMatch(ctx.ifMatch), input.base_version);
    const patch = toPatch(input, '');
    const write: LabelWrite = { path, expected_version: base, patch, ...this.stamp(ctx) };
    return this.submitSingle(key, ['PATCH /item', path, base, patch], write);
  }

  /** PATCH /items: a batch in one transaction, with a result per entry. */
  async patchItems(body: unknown, ctx: WriteContext): Promise<WriteResponse> {
    const key = requireIdempotencyKey(ctx.idempotencyKey);
    // A bare array, or `{ items: [...] }`.
    const entries = Array.isArray(body) ? parseBody(batchArraySchema, body) : parseBody(batchObjectSchema, body).items;
    const where = Array.isArray(body) ? '' : 'items';
    if (entries.length > MAX_BATCH) throw new AppError('invalid_body', `at most ${MAX_BATCH} items per batch`, { field: where || null });
    const stamp = this.stamp(ctx);
    const writes: LabelWrite[] = [];
    const slots: { path: string; write: number | null; base_version: number | null }[] = [];
    entries.forEach((entry, i) => {
      const at = `${where}[${i}]`;
      const path = requirePath(entry.path, `${at}.path`);
      if (entry.base_version === undefined) {
        throw new AppError('missing_base_version', `${at}.base_version is required`, { field: `${at}.base_version` });
      }
      const patch = toPatch(entry, `${at}.`);
      if (!this.options.itemExists(path)) {
        slots.push({ path, write: null, base_version: entry.base_version });
        return;
      }
      slots.push({ path, write: writes.length, base_version: entry.base_version });
      writes.push({ path, expected_version: entry.base_version, patch, ...stamp });
    });
    const print = fingerprint(['PATCH /items', writes.map((w) => [w.path, w.expected_version, w.patch]), slots.map((s) => s.path)]);
    return this.submit({ writes, idempotency: { key, fingerprint: print, respond: { kind: 'batch', slots } } });
  }

  /** PUT /metrics: a worker attaches numeric metrics (merged, no version check). */
  async putMetrics(body: unknown, ctx: WriteContext): Promise<WriteResponse> {
    const input = parseBody(metricsBodySchema, body);
    const stamp = this.stamp(ctx);
    const writes: LabelWrite[] = [];
    const slots: { path: string; write: number | null }[] = [];
    input.items.forEach((item, i) => {
      const path = requirePath(item.path, `items[${i}].path`);
      const exists = this.options.itemExists(path);
      slots.push({ path, write: exists ? writes.length : null });
      if (exists) writes.push({ path, expected_version: null, metrics: item.metrics, ...stamp });
    });
    const respond: ResponseSpec = { kind: 'metrics', slots };
    const key = ctx.idempotencyKey?.trim() ? requireIdempotencyKey(ctx.idempotencyKey) : undefined;
    if (!key) {
      const outcome = await this.committer.submit({ writes });
      if (outcome.kind !== 'committed') throw new Error('unexpected replay without an idempotency key');
      return { ...renderResponse(respond, outcome.results), replayed: false };
    }
    return this.submit({ writes, idempotency: { key, fingerprint: fingerprint(['PUT /metrics', slots.map((slot, i) => [slot.path, input.items[i]!.metrics])]), respond } });
  }

  /**
   * Makes a dataset's labels the base state (version 1) of items the store has no row for, and
   * shows them in listings at once (SPEC LS16, LV8). No events: seeding a million rows must not
   * flood the log. Rows whose tags or notes break the write limits are skipped, not truncated.
   * `by` is stored as `updated_by` (e.g. `table`), the time of seeding as `updated_at`.
   */
  async seed(rows: readonly LabelSeedRow[], by: string): Promise<{ inserted: number; skipped: number }> {
    if (this.closed) throw new AppError('read_only', 'the label service is shutting down');
    const valid: LabelSeedRow[] = [];
    for (const row of rows) {
      const clean = cleanSeed(row);
      if (clean && this.options.itemExists(clean.path)) valid.push(clean);
    }
    const skipped = rows.length - valid.length;
    if (valid.length === 0) return { inserted: 0, skipped };
    const stamp = { updated_at: new Date(this.now()).toISOString(), updated_by: by };
    // In the commit lock, so a write to a just-seeded item reaches the projection after its seed.
    return this.committer.exclusive(async () => {
      const { store } = this.options;
      const { inserted } = await store.seedDefaults(valid, stamp);
      const fresh = new Set(inserted);
      for (const row of valid) if (fresh.has(row.path)) this.projection.apply(seededSidecar(row, stamp));
      // Rows that another process sharing the database seeded (no event announced them): read them.
      const unseen = valid.filter((r) => !fresh.has(r.path) && !this.projection.peek(r.path)).map((r) => r.path);
      if (unseen.length) for (const s of await store.getMany(unseen)) this.projection.apply(s);
      return { inserted: inserted.length, skipped };
    });
  }

  /**
   * Tells open clients to refetch (a `resync` without an SSE id: not in the log, not replayed),
   * e.g. once seeding changed labels that no event announced.
   */
  announceRefetch(reason: string): void {
    if (this.closed) return;
    this.options.feed.publish({ id: null, type: 'resync', data: { reason, last_event_id: this.lastEventId } });
  }

  /** Every written item at or below `prefix`, in path order (for export). */
  exportUnder(prefix: string): AsyncIterable<Sidecar> {
    return this.options.store.exportUnder(prefix);
  }

  /** Waits for queued commits, then closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruneTimer);
    this.stopWatching();
    await this.committer.drain();
    await this.options.store.close();
  }

  private existingPath(rawPath: unknown): string {
    const path = requirePath(rawPath);
    if (!this.options.itemExists(path)) throw new AppError('not_found', `no image at ${path}`, { path });
    return path;
  }

  private stamp(ctx: WriteContext): { updated_at: string; updated_by: string } {
    return { updated_at: new Date(this.now()).toISOString(), updated_by: actorOf(ctx.user, ctx.clientId) };
  }

  private submitSingle(key: string, request: unknown, write: LabelWrite): Promise<WriteResponse> {
    const respond: ResponseSpec = { kind: 'single', base_version: write.expected_version };
    return this.submit({ writes: [write], idempotency: { key, fingerprint: fingerprint(request), respond } });
  }

  private async submit(unit: WriteUnit & { idempotency: NonNullable<WriteUnit['idempotency']> }): Promise<WriteResponse> {
    if (this.closed) throw new AppError('read_only', 'the label service is shutting down');
    const { key, fingerprint: print } = unit.idempotency;
    // Fast path for retries; the store checks again inside the transaction for concurrent duplicates.
    const cached = await this.options.store.getIdempotency(key, this.now());
    if (cached) return this.replay(cached.fingerprint, print, cached.response);
    const outcome = await this.committer.submit(unit);
    if (outcome.kind === 'replayed') return this.replay(outcome.record.fingerprint, print, outcome.record.response);
    return { ...outcome.response!, replayed: false };
  }

  private replay(stored: string, given: string, response: StoredResponse): WriteResponse {
    if (stored !== given) {
      throw new AppError('idempotency_key_reused', 'this Idempotency-Key was already used for a different request');
    }
    return { ...response, replayed: true };
  }

  /** Runs inside the commit lock: projection and feed follow the log in event-id order. */
  private async afterCommit(outcomes: UnitOutcome[]): Promise<void> {
    const own: { sidecar: Sidecar; event: StoredEvent }[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind !== 'committed') continue;
      for (const r of outcome.results) if (r.status === 'applied') own.push(r);
    }
    if (own.length === 0) return;
    // Another process committed between our last event and this commit: publish its events first.
    if (own[0]!.event.id > this.lastEventId + 1) await this.catchUp(own[0]!.event.id - 1);
    for (const r of own) {
      if (r.event.id <= this.lastEventId) continue;
      this.projection.apply(r.sidecar);
      this.lastEventId = r.event.id;
      this.options.feed.publish({ id: r.event.id, type: r.event.type, data: r.event.data });
    }
  }

  /** Applies and publishes events committed by other processes (shared stores), up to `through`. */
  private async catchUp(through = Number.MAX_SAFE_INTEGER): Promise<void> {
    const { store, feed } = this.options;
    while (this.lastEventId < through) {
      const page = await store.changesSince(this.lastEventId, 500);
      if (page.reset) {
        // Too far behind to follow event by event: reload, and tell clients to refetch.
        const head = await store.currentEventId();
        await this.projection.load(store.exportUnder('/'));
        this.lastEventId = head;
        feed.publish({ id: head, type: 'resync', data: { reason: 'events_unavailable', last_event_id: head } });
        return;
      }
      for (const e of page.events) {
        if (e.id > through) return;
        this.projection.applyEvent(e);
        this.lastEventId = e.id;
        feed.publish({ id: e.id, type: e.type, data: e.data });
      }
      if (page.events.length < 500) return;
    }
  }
}

/** The seed with its tags normalised, or undefined when it breaks a write limit or has a bad path. */
function cleanSeed(row: LabelSeedRow): LabelSeedRow | undefined {
  try {
    return {
      path: requirePath(row.path),
      tags: normalizeTags(row.tags, 'tags'),
      notes: checkNotes(row.notes, 'notes'),
      star: starSchema.parse(row.star),
    };
  } catch {
    return undefined;
  }
}

function toPatch(input: z.infer<typeof patchItemBodySchema>, at: string): LabelPatch {
  const patch: LabelPatch = {};
  if (input.set_star !== undefined) patch.set_star = input.set_star;
  if (input.set_notes !== undefined) patch.set_notes = checkNotes(input.set_notes, `${at}set_notes`);
  if (input.set_tags !== undefined) patch.set_tags = normalizeTags(input.set_tags, `${at}set_tags`);
  if (input.remove_tags !== undefined) patch.remove_tags = normalizeTags(input.remove_tags, `${at}remove_tags`);
  if (input.add_tags !== undefined) patch.add_tags = normalizeTags(input.add_tags, `${at}add_tags`);
  return patch;
}
