import { request as httpRequest } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenRole, UserRole } from '../../../src/protocol/auth.js';
import { AccountAdmin } from '../../../src/server/accounts/account-admin.js';
import type { ServerOptions } from '../../../src/server/index.js';
import { makeTempDir, removeDir } from '../../factories/image-tree.js';
import { startTestServer, type TestServer } from '../../factories/test-server.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read replies field by field
  body: any;
}

export interface AuthServer extends TestServer {
  admin(): Promise<AccountAdmin>;
  /** A user with a password, signed in: their session cookie (`lenslet_session=…`). */
  signIn(name: string, role: UserRole): Promise<string>;
  token(name: string, role: TokenRole): Promise<string>;
  send(method: string, path: string, headers?: Record<string, string>, body?: unknown): Promise<Answer>;
}

const PASSWORD = 'a long password';
const CLI = { name: 'test', address: null };

/** A server in accounts mode (or the mode given) over two images, with a stub web app. */
export async function startAuthServer(options: Partial<ServerOptions> = {}): Promise<AuthServer> {
  const web = makeTempDir('lenslet-auth-web-');
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Lenslet</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  const t = await startTestServer({ 'a.jpg': { w: 8, h: 8 }, 'sub/b.jpg': { w: 8, h: 8 } }, { webDir: web, ogPreview: true, access: { mode: 'accounts' }, ...options });
  const admin = async () => new AccountAdmin(await t.server.services.access.accounts());
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => sendRaw(t.server.port, method, path, headers, body);
  return {
    ...t,
    admin,
    send,
    async signIn(name, role) {
      const a = await admin();
      if (!(await a.listUsers()).some((u) => u.name === name)) await a.addUser({ name, role, password: PASSWORD }, CLI);
      const answer = await send('POST', '/auth/login', { origin: t.url }, { username: name, password: PASSWORD });
      if (answer.status !== 200) throw new Error(`sign-in answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return String([answer.headers['set-cookie']].flat()[0]).split(';')[0]!;
    },
    async token(name, role) {
      return (await (await admin()).createToken(name, role, CLI)).secret;
    },
    async close() {
      await t.close();
      removeDir(web);
    },
  };
}

/** A raw request (fetch refuses to set Host, Origin and Cookie as a browser would). The event stream answers with its head only. */
export function sendRaw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const head: Record<string, string> = { host: `127.0.0.1:${port}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: head }, (res) => {
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: res.statusCode!, headers: res.headers, body: null });
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: files, thumbnails, HTML
        }
        resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Opens `/events` and resolves once the server ends the stream. */
export function openStream(port: number, headers: Record<string, string>): Promise<{ status: number; ended: Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/events', headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const ended = new Promise<void>((done) => {
        res.on('close', () => done());
        res.on('end', () => done());
      });
      res.resume();
      resolve({ status: res.statusCode!, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
