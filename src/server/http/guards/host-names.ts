import { BlockList } from 'node:net';
import { networkInterfaces } from 'node:os';

/** A host name as a browser would send it (lowercase, IPs in canonical form, IPv6 in brackets) and its port, if given. */
export interface Authority {
  name: string;
  port: number | null;
}

// A name (no userinfo, path or whitespace) or a bracketed IPv6 literal, then an optional port.
const AUTHORITY = /^(\[[0-9a-f:.]+\]|[^\s:/?#@[\]\\]+)(?::(\d{1,5}))?$/i;

/** Parses a `Host` header or an `--allowed-host` entry; undefined when it is not an authority at all. */
export function parseAuthority(raw: string): Authority | undefined {
  const match = AUTHORITY.exec(raw.trim());
  if (!match) return undefined;
  const name = canonicalName(match[1]!);
  const port = match[2] === undefined ? null : Number(match[2]);
  if (name === undefined || (port !== null && port > 65535)) return undefined;
  return { name, port };
}

/**
 * The WHATWG URL parser's form of a host name, which is what browsers put in `Host` and `Origin`:
 * `LOCALHOST.` becomes `localhost`, `127.1` becomes `127.0.0.1`, `[0:0::1]` becomes `[::1]`.
 */
export function canonicalName(name: string): string | undefined {
  try {
    const hostname = new URL(`http://${name}/`).hostname;
    return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  } catch {
    return undefined;
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `localhost`, any 127.0.0.0/8 address, `[::1]` and IPv4-mapped loopback: names only this machine answers to. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost') return true;
  if (name.startsWith('[')) return LOOPBACK.check(name.slice(1, -1), 'ipv6');
  return /^\d+\.\d+\.\d+\.\d+$/.test(name) && LOOPBACK.check(name, 'ipv4');
}

/** A listen address that means every interface. */
export function isWildcard(listenHost: string): boolean {
  return ['0.0.0.0', '::', '[::]', '::0'].includes(listenHost.trim());
}

/** The machine's own interface addresses, in `canonicalName` form; read per call since DHCP and VPNs change them. */
export function interfaceNames(): Set<string> {
  const names = new Set<string>();
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      const name = canonicalName(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address);
      if (name) names.add(name);
    }
  }
  return names;
}
