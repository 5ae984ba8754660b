import { describe, expect, it } from 'vitest';
import { HostPolicy } from './host-policy.js';
import { crossSiteReason } from './request-guards.js';

const policy = new HostPolicy('127.0.0.1', ['gallery.example.com']);
const check = (method: string, headers: Record<string, string>) => crossSiteReason(method, { host: '127.0.0.1:7070', ...headers }, policy);

describe('crossSiteReason', () => {
  it('lets reads through whatever sent them', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(check(method, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' })).toBeNull();
    }
  });

  it('refuses writes a page of another site or origin sent', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(check(method, { origin: 'http://evil.example' }), method).toMatch(/another origin/);
      expect(check(method, { 'sec-fetch-site': 'cross-site' }), method).toMatch(/another site/);
    }
    // Same site, other port: another origin all the same.
    expect(check('POST', { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-site' })).toMatch(/another origin/);
    expect(check('POST', { origin: 'http://localhost:7070' })).toMatch(/another origin/);
    expect(check('POST', { origin: 'null' })).toMatch(/another origin/);
    expect(check('POST', { origin: 'file://' })).toMatch(/another origin/);
    expect(check('POST', { origin: 'http://127.0.0.1:7070, http://evil.example' })).toMatch(/another origin/);
    expect(check('POST', { origin: 'http://127.0.0.1:7070', 'sec-fetch-site': 'cross-site' })).toMatch(/another site/);
  });

  it('lets writes from this origin, a configured host and no page at all through', () => {
    expect(check('POST', { origin: 'http://127.0.0.1:7070', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(check('POST', { 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(check('POST', { 'sec-fetch-site': 'none' })).toBeNull();
    expect(check('POST', {})).toBeNull();
    expect(check('PATCH', { origin: 'https://gallery.example.com' })).toBeNull();
    expect(crossSiteReason('POST', { host: 'localhost:8080', origin: 'http://localhost:8080' }, policy)).toBeNull();
    expect(crossSiteReason('POST', { host: 'proxy.lan', origin: 'https://proxy.lan' }, policy)).toBeNull();
    expect(crossSiteReason('POST', { host: 'proxy.lan:80', origin: 'http://proxy.lan' }, policy)).toBeNull();
  });
});
