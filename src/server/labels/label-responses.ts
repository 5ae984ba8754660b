import type { Sidecar } from '../../protocol/items.js';
import type { StoredResponse, WriteResult } from './label-store.js';

/**
 * How a write's HTTP outcome is built from its results: plain data, so a store can build (and
 * record, for idempotency) the response inside its transaction, in this thread or another.
 */
export type ResponseSpec =
  /** PUT/PATCH /item: 200 with the sidecar, or 409 with the current one. */
  | { kind: 'single'; base_version: number | null }
  /** PATCH /items: a result per entry; `write` indexes the unit's writes, null when the image is missing. */
  | { kind: 'batch'; slots: { path: string; write: number | null; base_version: number | null }[] }
  /** PUT /metrics: a result per item. */
  | { kind: 'metrics'; slots: { path: string; write: number | null }[] };

export function renderResponse(spec: ResponseSpec, results: WriteResult[]): StoredResponse {
  switch (spec.kind) {
    case 'single': {
      const r = results[0]!;
      return r.status === 'applied'
        ? { status: 200, body: r.sidecar }
        : { status: 409, body: { error: conflictError(spec.base_version, r.current), current: r.current } };
    }
    case 'batch':
      return {
        status: 200,
        body: {
          results: spec.slots.map((slot) => {
            if (slot.write === null) return { path: slot.path, status: 'not_found', error: { code: 'not_found', message: 'no such image' } };
            const r = results[slot.write]!;
            return r.status === 'applied'
              ? { path: slot.path, status: 'ok', item: r.sidecar }
              : { path: slot.path, status: 'conflict', error: conflictError(slot.base_version, r.current), current: r.current };
          }),
        },
      };
    case 'metrics':
      return {
        status: 200,
        body: {
          results: spec.slots.map((slot) => {
            if (slot.write === null) return { path: slot.path, status: 'not_found' };
            const r = results[slot.write]!;
            return r.status === 'applied'
              ? { path: slot.path, status: 'ok', version: r.sidecar.version, metrics: r.sidecar.metrics }
              : { path: slot.path, status: 'conflict' };
          }),
        },
      };
  }
}

function conflictError(base: number | null, current: Sidecar) {
  return {
    code: 'version_conflict',
    message: `the item changed: you edited version ${base}, it is now at version ${current.version}`,
    details: { base_version: base, current_version: current.version },
  };
}
