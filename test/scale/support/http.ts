import type http from 'node:http';
import { requestJson, type JsonResponse } from '../../labels/support/http-json.js';

/** One JSON request with the answer's headers (Retry-After, Idempotency-Replayed). */
export type Reply = JsonResponse;
export const call = requestJson;

/** `PATCH /item?path=` setting the star on `base`. */
export function setStar(agent: http.Agent, base: string, path: string, star: number, version: number, key: string, headers: Record<string, string> = {}): Promise<Reply> {
  return call(agent, base, 'PATCH', `/item?path=${encodeURIComponent(path)}`, { base_version: version, set_star: star }, { 'idempotency-key': key, ...headers });
}

export function getItem(agent: http.Agent, base: string, path: string): Promise<Reply> {
  return call(agent, base, 'GET', `/item?path=${encodeURIComponent(path)}`);
}
