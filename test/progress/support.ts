import { expectWireResponse } from '../support/wire.js';
import type { TestServer } from '../factories/test-server.js';

/** A few images in nested folders: /a (4), /a/b (3), /c (3), / (2). */
export const TREE = {
  'top1.jpg': { w: 2, h: 2 },
  'top2.jpg': { w: 2, h: 2 },
  'a/1.jpg': { w: 2, h: 2 },
  'a/2.jpg': { w: 2, h: 2 },
  'a/3.jpg': { w: 2, h: 2 },
  'a/4.jpg': { w: 4, h: 4 },
  'a/b/1.jpg': { w: 2, h: 2 },
  'a/b/2.jpg': { w: 2, h: 2 },
  'a/b/3.jpg': { w: 2, h: 2 },
  'c/1.jpg': { w: 2, h: 2 },
  'c/2.jpg': { w: 2, h: 2 },
  'c/3.jpg': { w: 2, h: 2 },
};

let keys = 0;

/** A JSON request as `user` (local access: the X-Lenslet-User name), its answer checked against the protocol. */
export async function call(s: TestServer, method: string, path: string, options: { user?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.user) headers['x-lenslet-user'] = options.user;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if ((method === 'PUT' || method === 'PATCH') && !headers['idempotency-key']) headers['idempotency-key'] = `key-${++keys}`;
  const response = await fetch(s.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const type = response.headers.get('content-type') ?? '';
  // biome-ignore lint/suspicious/noExplicitAny: tests read replies field by field and assert what they read
  const body: any = type.includes('json') ? expectWireResponse(method, path, response.status, await response.json(), type) : await response.text();
  return { status: response.status, headers: response.headers, body };
}

/** Labels `path` (from its current version) as `user`. */
export async function label(s: TestServer, path: string, patch: Record<string, unknown>, user = 'ann') {
  const current = await call(s, 'GET', `/item?path=${encodeURIComponent(path)}`);
  const reply = await call(s, 'PATCH', `/item?path=${encodeURIComponent(path)}`, { user, body: patch, headers: { 'if-match': String(current.body.version) } });
  if (reply.status !== 200) throw new Error(`label ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}
