import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { rawStream } from '../support/raw-sse.js';

/**
 * Issue 9: with `requestTimeout: 0`, 600 connections trickling headers or bodies stayed open past
 * 75 s, with no connection cap. The limits here are the production ones scaled down (seconds to
 * fractions of one) so the test waits on them, not on minutes.
 */
const LIMITS = { headersTimeoutMs: 600, requestTimeoutMs: 1200, idleTimeoutMs: 1500, keepAliveTimeoutMs: 500, maxConnections: 60 };
let t: TestServer | undefined;
let sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets = [];
  await t?.close();
  t = undefined;
});

async function serve(connections: typeof LIMITS): Promise<TestServer> {
  t = await startTestServer({ 'a.png': { w: 2, h: 2 } }, { connections });
  return t;
}

/** A socket that says `first`, then one more byte of `rest` every 100 ms, forever. Tracks when it closes. */
function trickle(url: string, first: string, rest: string): { socket: net.Socket; closed: () => boolean; received: () => string } {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  let closed = false;
  let received = '';
  let at = 0;
  socket.on('data', (d) => (received += d.toString('latin1')));
  socket.on('close', () => {
    closed = true;
    clearInterval(timer);
  });
  socket.on('error', () => {});
  socket.write(first);
  const timer = rest
    ? setInterval(() => {
        if (!socket.destroyed) socket.write(rest[at++ % rest.length]!);
      }, 100)
    : undefined;
  return { socket, closed: () => closed, received: () => received };
}

describe('slow clients', () => {
  it('closes connections that trickle their headers or their body, then still answers', async () => {
    const s = await serve(LIMITS);
    const headers = Array.from({ length: 20 }, () => trickle(s.url, 'GET /health HTTP/1.1\r\nHost: x\r\n', 'X-Slow: abcdefgh\r\n'));
    const bodies = Array.from({ length: 20 }, () =>
      trickle(s.url, 'POST /presence HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"gallery_id":"', 'aaaaaaaa'),
    );
    await vi.waitFor(() => expect([...headers, ...bodies].filter((c) => !c.closed())).toHaveLength(0), { timeout: 15_000, interval: 100 });
    // Node answers 408 to a request it timed out, where it still can.
    expect(headers.some((c) => c.received().startsWith('HTTP/1.1 408'))).toBe(true);
    expect((await s.get('/health')).status).toBe(200);
  }, 30_000);

  it('closes idle connections, but not event streams, which are idle by design', async () => {
    const s = await serve(LIMITS);
    const stream = rawStream(`${s.url}/events?gallery_id=/`, { until: (o) => o.body.includes('"viewers":1') });
    const hub = s.server.services.labels!.hub;
    await vi.waitFor(() => expect(hub.clientCount).toBe(1));
    const idle = trickle(s.url, '', '');
    await vi.waitFor(() => expect(idle.closed()).toBe(true), { timeout: 15_000, interval: 100 });
    // The stream opened before the idle socket is still there, and still delivers.
    expect(hub.clientCount).toBe(1);
    await fetch(`${s.url}/presence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gallery_id: '/', client_id: 'x', status: 'viewing' }) });
    expect((await stream.done).body).toContain('"viewers":1');
  }, 30_000);

  it('caps connections: past the cap new ones are closed at once, and the server recovers', async () => {
    const s = await serve({ ...LIMITS, idleTimeoutMs: 60_000, headersTimeoutMs: 10_000, requestTimeoutMs: 20_000 });
    const held = Array.from({ length: LIMITS.maxConnections + 20 }, () => trickle(s.url, 'GET /health HTTP/1.1\r\n', 'X-Slow: a\r\n'));
    await vi.waitFor(() => expect(held.filter((c) => c.closed()).length).toBeGreaterThanOrEqual(20), { timeout: 15_000, interval: 100 });
    expect(held.filter((c) => !c.closed()).length).toBeLessThanOrEqual(LIMITS.maxConnections);
    for (const c of held) c.socket.destroy();
    await vi.waitFor(async () => expect((await s.get('/health')).status).toBe(200), { timeout: 15_000, interval: 100 });
  }, 30_000);
});
