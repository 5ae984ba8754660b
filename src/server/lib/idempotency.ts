import { createHash } from 'node:crypto';
import { AppError } from '../app-error.js';

/**
 * Idempotent, versioned writes, shared by labels and views: a write names the version it was
 * based on (If-Match or a body field) and carries an Idempotency-Key; the outcome of the first
 * request under a key is recorded and given again to a retry of the same request.
 */

/** A write's recorded outcome under its key. `fingerprint` tells the same request from another. */
export interface IdempotencyRecord<T> {
  key: string;
  fingerprint: string;
  outcome: T;
  created_at_ms: number;
}

/**
 * Identifies a request: same key + same fingerprint = the same request. Callers pass the
 * normalised request they built (fixed key order), so plain JSON is stable.
 */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** How long a write's outcome is kept for retries, and how many are kept: the same for labels and views. */
export const IDEMPOTENCY_TTL_MS = 30 * 60_000;
export const IDEMPOTENCY_MAX_ENTRIES = 10_000;

const KEY_REUSED = 'this Idempotency-Key was already used for a different request';

/** The recorded outcome when `given` is the recorded request; a key reused for another request is refused. */
export function replay<T>(record: IdempotencyRecord<T>, given: string, message = KEY_REUSED): T {
  if (record.fingerprint !== given) throw new AppError('idempotency_key_reused', message);
  return record.outcome;
}

/** The version a write is based on, from If-Match and/or the body; both given must agree. */
export function resolveBaseVersion(ifMatch: number | undefined, bodyVersion: number | undefined): number {
  if (ifMatch !== undefined && bodyVersion !== undefined && ifMatch !== bodyVersion) {
    throw new AppError('version_mismatch', `If-Match (${ifMatch}) and base_version (${bodyVersion}) disagree`, {
      if_match: ifMatch,
      base_version: bodyVersion,
    });
  }
  const base = ifMatch ?? bodyVersion;
  if (base === undefined) {
    throw new AppError('missing_base_version', 'send the version you edited as If-Match or base_version');
  }
  return base;
}

/** Records kept in process memory: live for `ttlMs`, at most `maxEntries` (the oldest go first). */
export class IdempotencyMemory<T> {
  /** Insertion order is age order, which both the cap and the pruning rely on. */
  private readonly records = new Map<string, IdempotencyRecord<T>>();

  constructor(private readonly limits: { ttlMs: number; maxEntries: number }) {}

  get size(): number {
    return this.records.size;
  }

  get(key: string, nowMs: number): IdempotencyRecord<T> | undefined {
    const record = this.records.get(key);
    return record && !this.expired(record, nowMs) ? record : undefined;
  }

  /** Records `record`, replacing an expired one under its key, then applies the cap. */
  set(record: IdempotencyRecord<T>): void {
    this.records.delete(record.key);
    this.records.set(record.key, record);
    this.cap();
  }

  /** Live and expired records alike, oldest first. */
  entries(): IdempotencyRecord<T>[] {
    return [...this.records.values()];
  }

  delete(key: string): void {
    this.records.delete(key);
  }

  /** Drops expired records and the oldest beyond the cap; returns how many were dropped. */
  prune(nowMs: number): number {
    let dropped = 0;
    for (const [key, record] of this.records) {
      if (!this.expired(record, nowMs)) continue;
      this.records.delete(key);
      dropped++;
    }
    return dropped + this.cap();
  }

  private cap(): number {
    let dropped = 0;
    for (const key of this.records.keys()) {
      if (this.records.size <= this.limits.maxEntries) break;
      this.records.delete(key);
      dropped++;
    }
    return dropped;
  }

  private expired(record: IdempotencyRecord<T>, nowMs: number): boolean {
    return record.created_at_ms + this.limits.ttlMs <= nowMs;
  }
}
