import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../app-error.js';
import { parseAuthority } from './host-names.js';
import type { HostPolicy } from './host-policy.js';

/**
 * The boundary, checked before every route (static files and the event stream included): a `Host`
 * that is not one of the server's names answers 421 (DNS rebinding), and a state-changing request
 * sent by a page of another site answers 403 (cross-site request forgery, `sendBeacon` included).
 */
export function registerBoundaryGuards(app: FastifyInstance, policy: HostPolicy, trustedOrigins: readonly string[] = []): void {
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (!policy.acceptsHost(host)) {
      const name = host === undefined ? undefined : parseAuthority(host)?.name;
      const hint = name ? `; to reach it by that name, start it with --allowed-host ${clip(name)}` : '';
      throw new AppError('misdirected_request', `this server does not answer to the host ${JSON.stringify(clip(host ?? ''))}${hint}`);
    }
    const reason = crossSiteReason(request.method, request.headers, policy, trustedOrigins);
    if (reason) throw new AppError('cross_site_refused', reason);
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a state-changing request looks sent by another site, or null when it may proceed. Requests
 * without `Origin` and `Sec-Fetch-Site` (curl, scripts, the bench) come from no page and may; so
 * may the pages of a `--cors-origin` (`trustedOrigins`), which the user chose to let in.
 */
export function crossSiteReason(method: string, headers: IncomingHttpHeaders, policy: HostPolicy, trustedOrigins: readonly string[] = []): string | null {
  if (SAFE_METHODS.has(method)) return null;
  const sent = single(headers.origin);
  if (sent !== undefined && trustedOrigins.includes(sent)) return null;
  if (single(headers['sec-fetch-site']) === 'cross-site') return 'refused: a page of another site sent this request';
  const origin = single(headers.origin);
  if (origin === undefined || isOwnOrigin(origin, single(headers.host), policy)) return null;
  return `refused: a page of another origin (${JSON.stringify(clip(origin))}) sent this request`;
}

/**
 * The page's origin is the server's own when it names the very host the request was sent to, or a
 * configured host (a reverse proxy's public name). `null` (sandboxed frames, file: pages) never is.
 */
function isOwnOrigin(origin: string, host: string | undefined, policy: HostPolicy): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const page = parseAuthority(url.host);
  if (!page) return false;
  const own = host === undefined ? undefined : parseAuthority(host);
  if (own && own.name === page.name && (own.port ?? defaultPort) === (page.port ?? defaultPort)) return true;
  return policy.isConfigured(page, defaultPort);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Header values end up in messages: keep them short. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
