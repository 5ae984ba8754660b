import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DatasetSource } from '../datasets/dataset-source.js';
import { ItemLookup } from './item-lookup.js';
import { pathParam, type Query } from './query-params.js';

/** `GET /file`: the original bytes, streamed, with validators and single-range support. */
export function registerFileRoutes(app: FastifyInstance, source: DatasetSource): void {
  const items = new ItemLookup(source);
  app.get('/file', async (request, reply) => {
    const path = pathParam(request.query as Query);
    const id = await items.requireImage(path);
    const type = source.catalog.typeOf(id);
    const bytes = await source.openItem(id);
    reply.header('Content-Type', type).header('X-Content-Type-Options', 'nosniff');
    if (bytes.kind === 'remote') {
      if (bytes.etag) reply.header('ETag', `"${bytes.etag}"`);
      return reply.send(await bytes.read());
    }
    const etag = `"${bytes.size.toString(16)}-${Math.floor(bytes.mtimeMs).toString(16)}"`;
    const lastModified = new Date(Math.floor(bytes.mtimeMs / 1000) * 1000);
    reply.header('ETag', etag).header('Last-Modified', lastModified.toUTCString()).header('Accept-Ranges', 'bytes');
    reply.header('Cache-Control', 'no-cache');
    if (notModified(request, etag, lastModified)) return reply.code(304).send();

    const range = parseRange(request.headers.range, bytes.size);
    const ifRange = request.headers['if-range'];
    const rangeApplies = range !== undefined && (ifRange === undefined || ifRange === etag);
    if (rangeApplies && range === 'unsatisfiable') {
      return reply.code(416).header('Content-Range', `bytes */${bytes.size}`).send();
    }
    if (rangeApplies && range !== 'unsatisfiable') {
      reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${bytes.size}`);
      reply.header('Content-Length', range.end - range.start + 1);
      return sendStream(reply, bytes.absPath, range.start, range.end);
    }
    reply.header('Content-Length', bytes.size);
    return sendStream(reply, bytes.absPath, 0, bytes.size - 1);
  });
}

function sendStream(reply: FastifyReply, absPath: string, start: number, end: number): FastifyReply {
  if (end < start) return reply.send(Buffer.alloc(0)); // empty file
  return reply.send(createReadStream(absPath, { start, end }));
}

function notModified(request: FastifyRequest, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const since = request.headers['if-modified-since'];
  if (since === undefined) return false;
  const sinceMs = Date.parse(since);
  return Number.isFinite(sinceMs) && lastModified.getTime() <= sinceMs;
}

/** One `bytes=` range (multi-range requests get the whole file, which RFC 9110 allows). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
