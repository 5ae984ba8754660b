import type { FastifyInstance, FastifyRequest } from 'fastify';
import { csvCell } from '../../protocol/csv-cells.js';
import { canonicalPath } from '../../protocol/paths.js';
import {
  type Assignment,
  MAX_ACTIVITY_LIMIT,
  MAX_MINE_LIMIT,
  putAssignmentsBodySchema,
  putSettingsBodySchema,
  STATS_EXPORT_COLUMNS,
  statsBodySchema,
} from '../../protocol/progress.js';
import { isAuthenticated } from '../accounts/principal.js';
import { AppError } from '../app-error.js';
import { fingerprint } from '../lib/idempotency.js';
import type { ProgressService } from '../progress/progress-service.js';
import { principalOf } from './auth/principal-of.js';
import { boolParam, enumParam, intParam, pathParam, type Query } from './query-params.js';
import { documentWriteReply, sendWrite } from './replies.js';
import { baseVersion, idempotencyKey, parseBody, userHeader } from './request-input.js';

/**
 * Team progress (issue 14): the "labeled" setting and the assignments (versioned documents, as
 * `PUT /views`: If-Match or body `version`, Idempotency-Key, 409 with `current`), stats of a
 * folder or filtered set, the per-day CSV, and the caller's share of the assigned work.
 */
export function registerProgressRoutes(app: FastifyInstance, progress: ProgressService): void {
  app.get('/settings', async (_request, reply) => {
    const doc = progress.settings.get();
    reply.header('etag', `"${doc.version}"`);
    return doc;
  });

  app.put('/settings', async (request, reply) => {
    const key = idempotencyKey(request);
    const body = parseBody(putSettingsBodySchema, request.body);
    const base = baseVersion(request, body.version);
    const write = { body: { labeled: body.labeled }, base, key, fingerprint: fingerprint({ base, labeled: body.labeled }), by: principalOf(request).name };
    const { outcome, replayed } = await progress.settings.put(write);
    return sendWrite(reply, documentWriteReply(outcome, 'settings'), replayed);
  });

  app.post('/stats', async (request) => progress.stats(parseBody(statsBodySchema, request.body ?? {})));

  app.get('/activity', async (request) => {
    const query = request.query as Query;
    const path = pathParam(query, 'path', '/');
    const recursive = boolParam(query, 'recursive', true);
    const limit = intParam(query, 'limit', { min: 1, max: MAX_ACTIVITY_LIMIT, fallback: 50 });
    const before = intParam(query, 'before', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
    return progress.activity({ path, recursive, limit, before: before || null });
  });

  app.get('/stats/export', async (request, reply) => {
    const query = request.query as Query;
    enumParam(query, 'format', ['csv'], 'csv');
    const rows = progress.exportRows(pathParam(query, 'path', '/'));
    const lines = [STATS_EXPORT_COLUMNS.join(',')];
    for (const r of rows) lines.push([r.date, r.user, r.edits, r.items].map((c) => csvCell(String(c))).join(','));
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="lenslet-progress.csv"');
    return `${lines.join('\r\n')}\r\n`;
  });

  app.get('/assignments', async (_request, reply) => {
    const doc = progress.assignments.get();
    reply.header('etag', `"${doc.version}"`);
    return doc;
  });

  app.put('/assignments', async (request, reply) => {
    const key = idempotencyKey(request);
    const body = parseBody(putAssignmentsBodySchema, request.body);
    const base = baseVersion(request, body.version);
    const assignments = body.assignments.map(canonicalAssignment);
    const ids = new Set<string>();
    for (const a of assignments) {
      if (ids.has(a.id)) throw new AppError('invalid_body', `assignment ${a.id} is listed twice`, { id: a.id });
      ids.add(a.id);
    }
    const write = { body: { assignments }, base, key, fingerprint: fingerprint({ base, assignments }), by: principalOf(request).name };
    const { outcome, replayed } = await progress.assignments.put(write);
    return sendWrite(reply, documentWriteReply(outcome, 'assignments'), replayed);
  });

  app.get('/assignments/mine', async (request) => {
    const query = request.query as Query;
    const offset = intParam(query, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
    const limit = intParam(query, 'limit', { min: 0, max: MAX_MINE_LIMIT, fallback: 100 });
    return progress.work.mine(personOf(request), offset, limit);
  });
}

/** The requesting person: the signed-in user (token, proxy), or in local and open access the X-Lenslet-User name. */
function personOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (isAuthenticated(principal)) return principal.name;
  return userHeader(request)?.trim() || principal.name;
}

function canonicalAssignment(a: Assignment): Assignment {
  const people = a.people.map((p) => p.trim());
  if (a.path === undefined) return { ...a, people };
  const path = canonicalPath(a.path);
  if (!path.ok) throw new AppError('invalid_body', `assignment ${a.id}: ${path.reason}`, { id: a.id });
  return { ...a, path: path.path, people };
}
