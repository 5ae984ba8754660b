import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseAuthority } from './host-names.js';
import { HostPolicy, parseAllowedHosts } from './host-policy.js';

describe('HostPolicy', () => {
  const local = new HostPolicy('127.0.0.1');

  it('answers to every loopback form, on any port', () => {
    for (const host of ['127.0.0.1:7070', '127.0.0.1', 'localhost:7070', 'LOCALHOST.:7070', '[::1]:7070', '[0:0:0:0:0:0:0:1]:9', '127.1:7070', '127.0.0.2:7070', '[::ffff:127.0.0.1]:7070', '2130706433:7070']) {
      expect(local.acceptsHost(host), host).toBe(true);
    }
  });

  it('refuses other names, rebinding-style names and malformed headers', () => {
    for (const host of [
      'evil.example:7070',
      'evil.example',
      'localhost.evil.example:7070',
      '127.0.0.1.evil.example:7070',
      'evil.localhost:7070',
      '192.168.1.5:7070',
      '0.0.0.0:7070',
      'user@127.0.0.1:7070',
      '127.0.0.1:7070/x',
      '127.0.0.1:99999',
      '127.0.0.1:7070, evil.example',
      '',
      undefined,
    ]) {
      expect(local.acceptsHost(host), String(host)).toBe(false);
    }
  });

  it('answers to the address it listens on, and to interface addresses only when that is every interface', () => {
    expect(new HostPolicy('10.1.2.3').acceptsHost('10.1.2.3:7070')).toBe(true);
    expect(new HostPolicy('::1').acceptsHost('[::1]:7070')).toBe(true);
    expect(new HostPolicy('gallery.lan').acceptsHost('Gallery.LAN:7070')).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    const wildcard = new HostPolicy('0.0.0.0');
    expect(wildcard.acceptsHost('0.0.0.0:7070')).toBe(true);
    expect(wildcard.acceptsHost('evil.example:7070')).toBe(false);
    if (external) {
      expect(wildcard.acceptsHost(`${external.address}:7070`)).toBe(true);
      expect(local.acceptsHost(`${external.address}:7070`)).toBe(false);
    }
    expect(new HostPolicy('::').acceptsHost('127.0.0.1:1')).toBe(true);
  });

  it('answers to configured hosts: a bare name on any port, name:port on that port only', () => {
    const policy = new HostPolicy('127.0.0.1', ['gallery.lan', 'proxy.example:8443', '[fd00::5]']);
    expect(policy.acceptsHost('gallery.lan:7070')).toBe(true);
    expect(policy.acceptsHost('GALLERY.lan')).toBe(true);
    expect(policy.acceptsHost('proxy.example:8443')).toBe(true);
    expect(policy.acceptsHost('proxy.example:7070')).toBe(false);
    expect(policy.acceptsHost('proxy.example')).toBe(false);
    expect(policy.acceptsHost('[fd00::5]:7070')).toBe(true);
    expect(policy.acceptsHost('other.lan:7070')).toBe(false);
    expect(policy.isConfigured(parseAuthority('proxy.example')!, 8443)).toBe(true);
  });

  it('rejects --allowed-host entries that are not host names', () => {
    expect(() => parseAllowedHosts(['http://gallery.lan'])).toThrow(/--allowed-host "http:\/\/gallery.lan" is not a host name/);
    expect(() => parseAllowedHosts(['*'])).toThrow(/not a host name/);
    expect(() => parseAllowedHosts(['a b'])).toThrow(/not a host name/);
    expect(() => parseAllowedHosts(['gallery.lan:70000'])).toThrow(/not a host name/);
    expect(parseAllowedHosts(['Gallery.Lan:8080'])).toEqual([{ name: 'gallery.lan', port: 8080 }]);
  });
});
