import type { FastifyReply } from 'fastify';
import type { ItemOutcome, WriteOutcome } from '../labels/write-outcome.js';
import type { DocumentOutcome } from '../progress/team-document.js';
import type { ViewsOutcome } from '../views/views-store.js';
import { errorBody } from './error-handler.js';

/**
 * The one table from write outcomes to statuses and bodies. Replays render the recorded outcome
 * again, so a retried request gets the very answer the first one got.
 */
interface Reply {
  status: number;
  body: unknown;
  /** The version the ETag names, when the body is the written resource. */
  version?: number;
}

export function labelWriteReply(outcome: WriteOutcome): Reply {
  switch (outcome.kind) {
    case 'item':
      return itemReply(outcome.result);
    case 'batch':
      return { status: 200, body: { results: outcome.results.map(batchEntry) } };
    case 'metrics':
      return { status: 200, body: { results: outcome.results.map(metricsEntry) } };
  }
}

export function viewsWriteReply(outcome: ViewsOutcome): Reply {
  if (outcome.kind === 'applied') return { status: 200, body: outcome.doc, version: outcome.doc.version };
  const { base_version, current } = outcome;
  return {
    status: 409,
    body: {
      error: {
        code: 'version_conflict',
        message: `the views changed: you edited version ${base_version}, they are now at version ${current.version}`,
        details: { base_version, current_version: current.version },
      },
      current,
    },
  };
}

/** A versioned team document (settings, assignments): like the views, 409 with `current`. */
export function documentWriteReply<T>(outcome: DocumentOutcome<T>, what: string): Reply {
  if (outcome.kind === 'applied') return { status: 200, body: outcome.doc, version: outcome.doc.version };
  const { base_version, current } = outcome;
  return {
    status: 409,
    body: {
      error: {
        code: 'version_conflict',
        message: `the ${what} changed: you edited version ${base_version}, they are now at version ${current.version}`,
        details: { base_version, current_version: current.version },
      },
      current,
    },
  };
}

/** Sends a write's reply, saying when it was replayed from the idempotency record. */
export function sendWrite(reply: FastifyReply, { status, body, version }: Reply, replayed: boolean): unknown {
  reply.code(status);
  if (replayed) reply.header('idempotency-replayed', 'true');
  if (version !== undefined) reply.header('etag', `"${version}"`);
  return body;
}

function itemReply(result: ItemOutcome): Reply {
  switch (result.kind) {
    case 'applied':
      return { status: 200, body: result.item, version: result.item.version };
    case 'conflict':
      return { status: 409, body: { error: conflictError(result.base_version, result.current.version), current: result.current } };
    case 'missing':
      return { status: 404, body: errorBody('not_found', `no image at ${result.path}`, { path: result.path }) };
  }
}

function batchEntry(result: ItemOutcome) {
  switch (result.kind) {
    case 'applied':
      return { path: result.path, status: 'ok', item: result.item };
    case 'conflict':
      return { path: result.path, status: 'conflict', error: conflictError(result.base_version, result.current.version), current: result.current };
    case 'missing':
      return { path: result.path, status: 'not_found', error: { code: 'not_found', message: 'no such image' } };
  }
}

function metricsEntry(result: ItemOutcome) {
  switch (result.kind) {
    case 'applied':
      return { path: result.path, status: 'ok', version: result.item.version, metrics: result.item.metrics };
    case 'conflict':
      return { path: result.path, status: 'conflict' };
    case 'missing':
      return { path: result.path, status: 'not_found' };
  }
}

function conflictError(base: number | null, current: number) {
  return {
    code: 'version_conflict',
    message: `the item changed: you edited version ${base}, it is now at version ${current}`,
    details: { base_version: base, current_version: current },
  };
}
