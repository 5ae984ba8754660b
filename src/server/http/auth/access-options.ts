import { BlockList } from 'node:net';
import { accessModeSchema, userRoleSchema, type AccessMode, type UserRole } from '../../../protocol/auth.js';
import { canonicalName, isLoopbackName } from '../guards/host-names.js';

/** How the server admits requests: `lenslet --access …` and its companions. */
export interface AccessOptions {
  /** Default: `local` on a loopback `--host`, `accounts` otherwise. */
  mode?: AccessMode;
  /** `--proxy-user-header`: the header a trusted proxy names the user in (proxy mode). Default X-Forwarded-User. */
  proxyUserHeader?: string;
  /** `--trusted-proxy`: addresses or CIDRs whose proxy headers count. Default loopback. */
  trustedProxies?: readonly string[];
  /** `--proxy-default-role`: the role of a user a proxy names for the first time. Default labeler. */
  proxyDefaultRole?: UserRole;
  /** `--cors-origin`: the one origin that gets CORS headers (with credentials). None by default. */
  corsOrigin?: string;
}

/** The options with every default applied and checked. */
export interface ResolvedAccess {
  mode: AccessMode;
  proxyUserHeader: string;
  trusted: TrustedProxies;
  proxyDefaultRole: UserRole;
  corsOrigin: string | null;
}

export const ACCESS_CHOICES = 'choose --access accounts (sign-in), proxy (behind an SSO proxy) or open (no sign-in, anyone on the network)';

/** Throws one line naming the choices when `local` is asked for on a non-loopback address. */
export function resolveAccess(listenHost: string, options: AccessOptions = {}): ResolvedAccess {
  const loopback = isLoopbackName(canonicalName(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost) ?? '');
  const mode = options.mode ?? (loopback ? 'local' : 'accounts');
  if (!accessModeSchema.safeParse(mode).success) throw new Error(`--access must be local, accounts, proxy or open, got ${JSON.stringify(mode)}`);
  if (mode === 'local' && !loopback) throw new Error(`--access local needs a loopback --host (127.0.0.1, ::1, localhost), not ${listenHost}: ${ACCESS_CHOICES}`);
  const role = options.proxyDefaultRole ?? 'labeler';
  if (!userRoleSchema.safeParse(role).success) throw new Error(`--proxy-default-role must be viewer, labeler or admin, got ${JSON.stringify(role)}`);
  const header = (options.proxyUserHeader ?? 'X-Forwarded-User').trim().toLowerCase();
  if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) throw new Error(`--proxy-user-header is not a header name: ${JSON.stringify(options.proxyUserHeader)}`);
  return {
    mode,
    proxyUserHeader: header,
    trusted: new TrustedProxies(options.trustedProxies ?? ['127.0.0.1/8', '::1']),
    proxyDefaultRole: role,
    corsOrigin: options.corsOrigin === undefined ? null : parseOrigin(options.corsOrigin),
  };
}

/**
 * The addresses a proxy's headers (user, X-Forwarded-Proto, X-Forwarded-For) are believed from.
 * BlockList itself checks the addresses: `net.isIP` compiles its IPv6 pattern on first use, ~50 ms
 * of CPU that every start paid before listening (for the default `::1`).
 */
export class TrustedProxies {
  private readonly list = new BlockList();

  constructor(entries: readonly string[]) {
    for (const entry of entries.flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean)) {
      const [address = '', bits] = entry.split('/');
      const family = address.includes(':') ? 6 : 4;
      const prefix = bits === undefined ? (family === 6 ? 128 : 32) : /^\d+$/.test(bits) ? Number(bits) : Number.NaN;
      const invalid = () => new Error(`--trusted-proxy "${entry}" is not an address or CIDR (e.g. 10.0.0.0/8, ::1)`);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) throw invalid();
      try {
        this.list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
      } catch {
        throw invalid();
      }
    }
  }

  has(address: string | undefined): boolean {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return this.list.check(mapped[1]!, 'ipv4');
    // An address that is not one of the family is simply not in the list.
    return this.list.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
  }
}

function parseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--cors-origin must be an origin such as https://app.example.com, got ${JSON.stringify(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw.replace(/\/$/, '')) {
    throw new Error(`--cors-origin must be an origin such as https://app.example.com (scheme, host, port), got ${JSON.stringify(raw)}`);
  }
  return url.origin;
}
