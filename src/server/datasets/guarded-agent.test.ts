import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedAgents } from './guarded-agent.js';

let server: http.Server;
let port: number;
const peers = new Set<string>();
let served = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    served++;
    peers.add(`${req.socket.remotePort}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = (agent: http.Agent, host: string) =>
  new Promise<string>((resolve, reject) => {
    const request = http.get({ host, port, path: '/', agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
  });

describe('guarded agents', () => {
  it('refuse an IP literal and a name that resolves to a refused address, before connecting', async () => {
    const agents = guardedAgents(2, { refuseAddress: (host, address) => (address.startsWith('127.') || address === '::1' ? new Error(`no ${host}`) : undefined) });
    const before = served;
    await expect(get(agents.http, '127.0.0.1')).rejects.toThrow('no 127.0.0.1');
    await expect(get(agents.http, 'localhost')).rejects.toThrow('no localhost');
    expect(served).toBe(before);
    agents.http.destroy();
  });

  it('check a pooled socket again before reusing it', async () => {
    let refuse = false;
    const agents = guardedAgents(1, { refuseAddress: () => (refuse ? new Error('refused on reuse') : undefined) });
    peers.clear();
    expect(await get(agents.http, '127.0.0.1')).toBe('ok');
    expect(await get(agents.http, '127.0.0.1')).toBe('ok');
    expect(peers.size).toBe(1); // the second request did reuse the first socket
    await new Promise((resolve) => setImmediate(resolve)); // the socket is back in the pool
    refuse = true;
    const before = served;
    await expect(get(agents.http, '127.0.0.1')).rejects.toThrow('refused on reuse');
    expect(served).toBe(before);
    agents.http.destroy();
  });

  it('refuse hosts the policy does not name', async () => {
    const agents = guardedAgents(1, { refuseHost: (host) => (host === 'localhost' ? undefined : new Error(`not ${host}`)) });
    await expect(get(agents.http, '127.0.0.1')).rejects.toThrow('not 127.0.0.1');
    expect(await get(agents.http, 'localhost').catch((e: Error) => e.message)).toMatch(/ok|ECONNREFUSED/); // ::1 may not listen
    agents.http.destroy();
  });
});
