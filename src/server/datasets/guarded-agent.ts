import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * Keep-alive agents that check every connection they make and every pooled socket they hand
 * out again. The check is the agent's, not the request's: a socket made under one rule can
 * only be reused under the same rule, because each rule has its own agents, and a request
 * that forgets to ask for the check cannot skip it.
 */
export interface ConnectPolicy {
  /** Why `host` (as the URL names it) may not be connected to at all; undefined: it may. */
  refuseHost?(host: string): Error | undefined;
  /** Why `host`, resolved to `address`, may not be connected to; undefined: it may. */
  refuseAddress?(host: string, address: string): Error | undefined;
}

export interface GuardedAgents {
  http: http.Agent;
  https: https.Agent;
}

export function guardedAgents(concurrency: number, policy: ConnectPolicy): GuardedAgents {
  const pool = { keepAlive: true, maxSockets: concurrency, maxFreeSockets: 8, timeout: 60_000 };
  return { http: new GuardedHttpAgent(pool, policy), https: new GuardedHttpsAgent(pool, policy) };
}

class GuardedHttpAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly policy: ConnectPolicy,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    return connectChecked(this.policy, options, callback, (checked) => net.createConnection(checked as net.NetConnectOpts));
  }

  override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
    if (recheck(this.policy, socket, request)) super.reuseSocket(socket, request);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly policy: ConnectPolicy,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    return connectChecked(this.policy, options, callback, (checked) => tls.connect(checked as tls.ConnectionOptions));
  }

  override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
    if (recheck(this.policy, socket, request)) super.reuseSocket(socket, request);
  }
}

function connectChecked(
  policy: ConnectPolicy,
  options: http.ClientRequestArgs,
  callback: ((err: Error | null, stream: Duplex) => void) | undefined,
  connect: (options: http.ClientRequestArgs) => Duplex,
): Duplex | undefined {
  const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
  // An IP literal never reaches the lookup, so it is checked here.
  const refused = policy.refuseHost?.(host) ?? (isIP(host) ? policy.refuseAddress?.(host, host) : undefined);
  if (refused) {
    process.nextTick(() => callback?.(refused, undefined as unknown as Duplex));
    return undefined;
  }
  const lookup = policy.refuseAddress ? checkedLookup(policy.refuseAddress) : undefined;
  return connect(lookup ? { ...options, lookup } : options);
}

/** A pooled socket is handed out again only if its peer still passes: destroyed (and the request failed) otherwise. */
function recheck(policy: ConnectPolicy, socket: Duplex, request: http.ClientRequest): boolean {
  const address = (socket as net.Socket).remoteAddress;
  const host = request.host;
  const refused = policy.refuseHost?.(host) ?? (address === undefined ? new Error(`${host}: pooled socket has no peer`) : policy.refuseAddress?.(host, address));
  if (!refused) return true;
  // Failing the request first makes `refused` its error; the agent then frees the socket, which
  // is dropped right after (destroyed now, the request would only report "socket hang up").
  request.destroy(refused);
  setImmediate(() => socket.destroy());
  return false;
}

/** Resolves as usual and fails when any address is refused: what is checked is what gets connected to. */
function checkedLookup(refuse: (host: string, address: string) => Error | undefined): LookupFunction {
  return ((hostname: string, opts: object, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...opts, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      for (const a of addresses) {
        const refused = refuse(hostname, a.address);
        if (refused) return callback(refused);
      }
      if ((opts as { all?: boolean }).all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as LookupFunction;
}
