import type { FastifyRequest } from 'fastify';
import { patchItemBodySchema, putItemBodySchema, type PatchItemBody } from '../../protocol/items.js';
import {
  MAX_WRITE_BATCH,
  patchItemsArraySchema,
  patchItemsObjectSchema,
  putMetricsBodySchema,
} from '../../protocol/label-writes.js';
import { AppError } from '../app-error.js';
import { checkNotes, normalizeTags } from '../labels/label-input.js';
import type { BatchEntry } from '../labels/label-service.js';
import type { LabelFields, LabelPatch } from '../labels/label-store.js';
import { baseVersion, bodyPath, parseBody } from './request-input.js';

/** Label write bodies, validated with the protocol's schemas and normalised by the label rules. */

export function putItemInput(req: FastifyRequest): { labels: LabelFields; base: number } {
  const input = parseBody(putItemBodySchema, req.body);
  const base = baseVersion(req, input.base_version);
  const labels: LabelFields = { tags: normalizeTags(input.tags, 'tags'), notes: checkNotes(input.notes, 'notes'), star: input.star };
  // A body without `flag` (a client older than flags) leaves the item's flag as it is.
  if (input.flag !== undefined) labels.flag = input.flag;
  return { labels, base };
}

export function patchItemInput(req: FastifyRequest): { patch: LabelPatch; base: number } {
  const input = parseBody(patchItemBodySchema, req.body);
  const base = baseVersion(req, input.base_version);
  return { patch: toPatch(input, ''), base };
}

/** `PATCH /items`: a bare array of entries, or `{ items: [...] }`; every entry names its base version. */
export function patchItemsInput(body: unknown): BatchEntry[] {
  const entries = Array.isArray(body) ? parseBody(patchItemsArraySchema, body) : parseBody(patchItemsObjectSchema, body).items;
  const where = Array.isArray(body) ? '' : 'items';
  if (entries.length > MAX_WRITE_BATCH) throw new AppError('invalid_body', `at most ${MAX_WRITE_BATCH} items per batch`, { field: where || null });
  return entries.map((entry, i) => {
    const at = `${where}[${i}]`;
    const path = bodyPath(entry.path, `${at}.path`);
    if (entry.base_version === undefined) {
      throw new AppError('missing_base_version', `${at}.base_version is required`, { field: `${at}.base_version` });
    }
    return { path, base_version: entry.base_version, patch: toPatch(entry, `${at}.`) };
  });
}

export function putMetricsInput(body: unknown): { path: string; metrics: Record<string, number> }[] {
  const input = parseBody(putMetricsBodySchema, body);
  return input.items.map((item, i) => ({ path: bodyPath(item.path, `items[${i}].path`), metrics: item.metrics }));
}

/** `?limit=` of `GET /item/history`: 1 to 1000, default 100. */
export function historyLimit(raw: unknown): number {
  const limit = raw === undefined ? 100 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new AppError('invalid_parameter', 'limit must be an integer from 1 to 1000', { field: 'limit' });
  }
  return limit;
}

function toPatch(input: PatchItemBody, at: string): LabelPatch {
  const patch: LabelPatch = {};
  if (input.set_star !== undefined) patch.set_star = input.set_star;
  if (input.set_flag !== undefined) patch.set_flag = input.set_flag;
  if (input.set_notes !== undefined) patch.set_notes = checkNotes(input.set_notes, `${at}set_notes`);
  if (input.set_tags !== undefined) patch.set_tags = normalizeTags(input.set_tags, `${at}set_tags`);
  if (input.remove_tags !== undefined) patch.remove_tags = normalizeTags(input.remove_tags, `${at}remove_tags`);
  if (input.add_tags !== undefined) patch.add_tags = normalizeTags(input.add_tags, `${at}add_tags`);
  return patch;
}
