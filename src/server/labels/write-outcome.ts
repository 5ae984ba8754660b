import type { Sidecar } from '../../protocol/items.js';

/**
 * What a label write did, in the terms of the request that made it. Plain data: a store records
 * it with the writes (in the same transaction, in this thread or a worker) so a retry under the
 * same Idempotency-Key gets it again, and `http/replies.ts` alone turns it into a status and body.
 */
export type ItemOutcome =
  | { kind: 'applied'; path: string; item: Sidecar }
  /** The item's version was not `base_version`: nothing changed; `current` is what is there. */
  | { kind: 'conflict'; path: string; base_version: number | null; current: Sidecar }
  /** No image at `path`: the entry was not written. */
  | { kind: 'missing'; path: string };

export type WriteOutcome =
  /** PUT/PATCH /item. */
  | { kind: 'item'; result: ItemOutcome }
  /** PATCH /items: a result per entry, in request order. */
  | { kind: 'batch'; results: ItemOutcome[] }
  /** PUT /metrics: a result per item, in request order. */
  | { kind: 'metrics'; results: ItemOutcome[] };

/** A write's result as the store reports it (see `WriteResult` in label-store.ts). */
type StoreResult = { status: 'applied'; sidecar: Sidecar } | { status: 'conflict'; current: Sidecar };

/** Where each request entry's write sits in the unit: `write` indexes the unit's writes, null when the image is missing. */
export interface OutcomeSlot {
  path: string;
  write: number | null;
  base_version: number | null;
}

/** How a unit's results map back onto its request; recorded only through `outcomeOf`. */
export type OutcomeShape =
  | { kind: 'item'; path: string; base_version: number | null }
  | { kind: 'batch' | 'metrics'; slots: OutcomeSlot[] };

export function outcomeOf(shape: OutcomeShape, results: readonly StoreResult[]): WriteOutcome {
  if (shape.kind === 'item') return { kind: 'item', result: itemOutcome(shape, results[0]!) };
  return {
    kind: shape.kind,
    results: shape.slots.map((slot) => (slot.write === null ? { kind: 'missing', path: slot.path } : itemOutcome(slot, results[slot.write]!))),
  };
}

function itemOutcome(slot: { path: string; base_version: number | null }, result: StoreResult): ItemOutcome {
  return result.status === 'applied'
    ? { kind: 'applied', path: slot.path, item: result.sidecar }
    : { kind: 'conflict', path: slot.path, base_version: slot.base_version, current: result.current };
}
