import { describe, expect, it } from 'vitest';
import { TrustedProxies } from './access-options.js';

describe('TrustedProxies', () => {
  it('trusts addresses inside its subnets, IPv4-mapped ones included, and nothing else', () => {
    const trusted = new TrustedProxies(['127.0.0.1/8', '::1', '10.1.0.0/16, fd00::/8']);
    expect(trusted.has('127.3.4.5')).toBe(true);
    expect(trusted.has('::ffff:127.0.0.1')).toBe(true);
    expect(trusted.has('::1')).toBe(true);
    expect(trusted.has('10.1.200.3')).toBe(true);
    expect(trusted.has('fd12::7')).toBe(true);
    expect(trusted.has('10.2.0.1')).toBe(false);
    expect(trusted.has('::2')).toBe(false);
    expect(trusted.has('not an address')).toBe(false);
    expect(trusted.has('')).toBe(false);
    expect(trusted.has(undefined)).toBe(false);
  });

  it.each(['10.0.0', '10.0.0.0/33', '::1/129', 'example.com', '1.2.3.4/', '1.2.3.4/x', '::g'])('refuses %s with one line naming the entry', (entry) => {
    expect(() => new TrustedProxies([entry])).toThrow(`--trusted-proxy "${entry}" is not an address or CIDR`);
  });
});
