import { expect } from 'vitest';
import type { z } from 'zod';
import { serverEventSchema, type ServerEvent } from '../../src/protocol/events.js';
import { findEndpoint, responseSchema } from '../../src/protocol/routes.js';

/**
 * Asserts that a body the server sent matches its protocol schema, and returns it typed. The
 * failure names every offending field, so a drift between server and protocol reads at a glance.
 */
export function expectWire<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    expect.fail(`the body does not match the protocol:\n${issues}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
  return parsed.data;
}

/** An SSE message (name and JSON data) checked against the event union. */
export function expectWireEvent(message: { event: string; json: unknown }): ServerEvent {
  return expectWire(serverEventSchema, { type: message.event, data: message.json });
}

/**
 * Checks an answer against the endpoint the method and URL name (a no-op for routes that do not
 * answer JSON: files, thumbnails, CSV) and returns the body unchanged, so request helpers can
 * validate every answer they hand to a test.
 */
export function expectWireResponse<T>(method: string, url: string, status: number, body: T, contentType?: string): T {
  const endpoint = findEndpoint(method, new URL(url, 'http://localhost').pathname);
  if (!endpoint || status === 204 || status === 304) return body;
  if (contentType !== undefined && !contentType.includes('json')) return body;
  expectWire(responseSchema(endpoint, status), body);
  return body;
}
