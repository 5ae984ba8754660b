import { canonicalName, interfaceNames, isLoopbackName, isWildcard, parseAuthority, type Authority } from './host-names.js';

/**
 * The names this server answers to: every loopback form, the address it listens on, the machine's
 * interface addresses when it listens on all of them, and the hosts the user configured.
 *
 * Built-in names match on any port: what DNS rebinding forges is the name (the attacker's domain),
 * never the port, and SSH tunnels and container port maps legitimately reach the server as
 * `localhost:<another port>`. A configured `name:port` matches that port only, a bare `name` any port.
 */
export class HostPolicy {
  private readonly listenName: string | undefined;
  private readonly wildcard: boolean;
  private readonly configured: readonly Authority[];

  constructor(listenHost: string, allowedHosts: readonly string[] = []) {
    const host = listenHost.trim();
    this.wildcard = isWildcard(host);
    this.listenName = canonicalName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    this.configured = parseAllowedHosts(allowedHosts);
  }

  /** Whether a request carrying this `Host` header may be answered. */
  acceptsHost(header: string | undefined): boolean {
    const host = header === undefined ? undefined : parseAuthority(header);
    if (!host) return false;
    if (isLoopbackName(host.name) || host.name === this.listenName || this.isConfigured(host)) return true;
    return this.wildcard && interfaceNames().has(host.name);
  }

  /** Whether a name and port (absent: the scheme's default) is one the user configured, e.g. a reverse proxy's. */
  isConfigured({ name, port }: Authority, defaultPort = 80): boolean {
    return this.configured.some((c) => c.name === name && (c.port === null || c.port === (port ?? defaultPort)));
  }
}

/** Validates `--allowed-host` entries (`name`, `name:port`, `[v6]:port`); throws with the entry named. */
export function parseAllowedHosts(entries: readonly string[]): Authority[] {
  return entries.map((entry) => {
    const parsed = entry.includes('*') ? undefined : parseAuthority(entry);
    if (!parsed) throw new Error(`--allowed-host "${entry}" is not a host name: give a name or address, optionally with :port (no scheme, path or wildcard)`);
    return parsed;
  });
}
