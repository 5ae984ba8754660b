import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../app-error.js';
import { Limiter } from '../lib/limiter.js';
import { type GuardedAgents, guardedAgents } from './guarded-agent.js';

/**
 * Fetches remote image bytes: pooled keep-alive connections, bounded concurrency, timeouts, a
 * size cap, and an SSRF guard. The guard is the connection pool's own (guarded-agent.ts): it runs
 * inside the socket's DNS lookup (and on IP-literal hosts, which skip DNS), so the address that
 * gets connected to is the address that was checked, and again when a pooled socket is reused.
 * Every redirect hop is a new request through the same pool, so it is checked like the first.
 * The pool is this fetcher's alone: no socket made for S3 or anything else is ever reused here.
 */
export interface RemoteFetchOptions {
  /** Allow loopback, private, link-local and similar addresses (`--allow-private-urls`). */
  allowPrivate?: boolean;
  /** Whole request, headers and body. Default 30 s. */
  timeoutMs?: number;
  /** Requests in flight at once; more wait their turn. Default 16. */
  concurrency?: number;
  /** Largest body accepted. Default 64 MiB. */
  maxBytes?: number;
  maxRedirects?: number;
  /** Which addresses count as private (refused without `allowPrivate`). Default isPrivateAddress. */
  isPrivate?: (address: string) => boolean;
}

export interface FetchResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface FetchInit {
  signal?: AbortSignal;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/** True for loopback, private, link-local, CGNAT, multicast, reserved and documentation ranges. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return true; // not an address at all: refuse
}

export class BlockedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`refusing to fetch from ${host} (${address}): private and loopback addresses need --allow-private-urls`);
  }
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class RemoteFetcher {
  private readonly agents: GuardedAgents;
  private readonly limiter: Limiter;

  constructor(private readonly options: RemoteFetchOptions = {}) {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const isPrivate = options.isPrivate ?? isPrivateAddress;
    const refuseAddress = (host: string, address: string) => (isPrivate(address) ? new BlockedAddressError(host, address) : undefined);
    this.agents = guardedAgents(concurrency, options.allowPrivate ? {} : { refuseAddress });
    this.limiter = new Limiter(concurrency);
  }

  /** GET `url`, following redirects; throws AppError (not_found, upstream_failed). */
  get(url: string, init: FetchInit = {}): Promise<FetchResult> {
    return this.limiter.run(async () => {
      let current = new URL(url);
      for (let hop = 0; ; hop++) {
        const result = await this.once(current, init);
        const location = result.headers.location;
        if (result.status >= 300 && result.status < 400 && location && hop < (this.options.maxRedirects ?? 3)) {
          current = new URL(location, current);
          continue;
        }
        return result;
      }
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private once(url: URL, init: FetchInit): Promise<FetchResult> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new AppError('upstream_failed', `unsupported URL scheme ${url.protocol}`));
    }
    const maxBytes = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const module = url.protocol === 'https:' ? https : http;
    return new Promise<FetchResult>((resolve, reject) => {
      const request = module.request(url, {
        method: 'GET',
        headers: { 'user-agent': 'lenslet' },
        agent: url.protocol === 'https:' ? this.agents.https : this.agents.http,
        signal: init.signal,
      });
      const timer = setTimeout(() => request.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        if (error instanceof AppError) {
          reject(error);
          return;
        }
        const blocked = error instanceof BlockedAddressError || (error as { cause?: unknown }).cause instanceof BlockedAddressError;
        reject(new AppError('upstream_failed', `${url.host}: ${error.message}`, blocked ? { blocked: true } : undefined));
      };
      request.on('error', fail);
      request.on('response', (response) => {
        const declared = Number(response.headers['content-length']);
        if (declared > maxBytes) {
          response.destroy();
          return fail(new AppError('payload_too_large', `${url.host}: ${declared} bytes is over the ${maxBytes}-byte limit`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            fail(new AppError('payload_too_large', `${url.host}: body over the ${maxBytes}-byte limit`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
        });
      });
      request.end();
    });
  }
}

/** Turns an upstream status into the error the API reports; 2xx passes. */
export function checkStatus(result: FetchResult, what: string): void {
  if (result.status >= 200 && result.status < 300) return;
  if (result.status === 404 || result.status === 410) throw new AppError('not_found', `${what}: not found upstream (${result.status})`);
  if (result.status === 403 || result.status === 401) throw new AppError('upstream_failed', `${what}: access denied upstream (${result.status})`);
  throw new AppError('upstream_failed', `${what}: upstream answered ${result.status}`);
}
