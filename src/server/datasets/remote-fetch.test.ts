import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteFetcher, checkStatus, isPrivateAddress } from './remote-fetch.js';

describe('RemoteFetcher', () => {
  let server: http.Server;
  let base: string;
  let inFlight = 0;
  let maxInFlight = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/img.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('PNGDATA'));
      if (req.url === '/slow') return setTimeout(() => res.writeHead(200).end('late'), 400);
      if (req.url === '/redirect') return res.writeHead(302, { location: '/img.png' }).end();
      if (req.url === '/big') return res.writeHead(200).end(Buffer.alloc(2048));
      if (req.url === '/wait') {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return setTimeout(() => {
          inFlight--;
          res.writeHead(200).end('ok');
        }, 50);
      }
      res.writeHead(404).end('nope');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('classifies private and public addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '172.20.0.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses loopback URLs unless private URLs are allowed, by IP and by name', async () => {
    const guarded = new RemoteFetcher();
    await expect(guarded.get(`${base}/img.png`)).rejects.toThrow(/allow-private-urls/);
    await expect(guarded.get(`${base.replace('127.0.0.1', 'localhost')}/img.png`)).rejects.toThrow(/allow-private-urls/);
    guarded.close();
  });

  it('fetches, follows redirects, maps 404, enforces timeouts and size caps', async () => {
    const fetcher = new RemoteFetcher({ allowPrivate: true, timeoutMs: 200, maxBytes: 1024 });
    const ok = await fetcher.get(`${base}/img.png`);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('PNGDATA');
    expect((await fetcher.get(`${base}/redirect`)).body.toString()).toBe('PNGDATA');
    const missing = await fetcher.get(`${base}/missing`);
    expect(() => checkStatus(missing, 'x')).toThrow(/not found/);
    await expect(fetcher.get(`${base}/slow`)).rejects.toThrow(/timed out/);
    await expect(fetcher.get(`${base}/big`)).rejects.toThrow(/limit/);
    fetcher.close();
  });

  it('checks every redirect hop like the first: an allowed host cannot send it to a private one', async () => {
    // 127.0.0.2 plays the private network; 127.0.0.1 plays a public host.
    let privateHits = 0;
    const inside = http.createServer((_req, res) => {
      privateHits++;
      res.writeHead(200, { 'content-type': 'image/png' }).end('INSIDE');
    });
    await new Promise<void>((resolve) => inside.listen(0, '127.0.0.2', resolve));
    const insideUrl = `http://127.0.0.2:${(inside.address() as AddressInfo).port}/secret.png`;
    const hop = http.createServer((_req, res) => res.writeHead(302, { location: insideUrl }).end());
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    const hopUrl = `http://127.0.0.1:${(hop.address() as AddressInfo).port}/go`;
    try {
      const guarded = new RemoteFetcher({ isPrivate: (address) => address !== '127.0.0.1' });
      await expect(guarded.get(hopUrl)).rejects.toMatchObject({ code: 'upstream_failed', details: { blocked: true } });
      expect(privateHits).toBe(0);
      guarded.close();
      const allowed = new RemoteFetcher({ allowPrivate: true });
      expect((await allowed.get(hopUrl)).body.toString()).toBe('INSIDE');
      allowed.close();
    } finally {
      hop.close();
      inside.close();
    }
  });

  it('bounds concurrency', async () => {
    const fetcher = new RemoteFetcher({ allowPrivate: true, concurrency: 3 });
    maxInFlight = 0;
    await Promise.all(Array.from({ length: 12 }, () => fetcher.get(`${base}/wait`)));
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(0);
    fetcher.close();
  });
});
