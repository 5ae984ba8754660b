import { describe, expect, it } from 'vitest';
import { cleanDisplayName, headerSafe, idempotencyKey, loadClientId, loadTabId, memoryStorage, nextSequence, safeStorage, saveDisplayName, loadDisplayName } from './client-identity.js';

describe('client identity', () => {
  it('keeps one client id per browser and one tab id per tab', () => {
    const local = memoryStorage();
    let n = 0;
    const make = () => `${n++}f2a9c1e-8b7d-4e2f-9a1b-0c9d8e7f6a5b`;
    const id = loadClientId(local, make);
    expect(loadClientId(local, make)).toBe(id);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(loadTabId(memoryStorage(), make)).not.toBe(loadTabId(memoryStorage(), make));
  });

  it('never repeats a sequence number, across reloads', () => {
    const local = memoryStorage();
    expect([nextSequence(local), nextSequence(local), nextSequence(local)]).toEqual([1, 2, 3]);
    local.setItem('lenslet.write_seq', 'garbage');
    expect(nextSequence(local)).toBe(1);
    expect(idempotencyKey('abc', 7)).toBe('abc:7');
  });

  it('stores a clean display name and sends it header-safe', () => {
    const local = memoryStorage();
    expect(saveDisplayName(local, '  Ada \n Lovelace  ')).toBe('Ada Lovelace');
    expect(loadDisplayName(local)).toBe('Ada Lovelace');
    expect(saveDisplayName(local, '   ')).toBe('');
    expect(local.getItem('lenslet.display_name')).toBeNull();
    expect(cleanDisplayName('x'.repeat(100))).toHaveLength(60);
    expect(headerSafe('Zoë')).toBe('Zo%C3%AB');
    expect(headerSafe('Bob')).toBe('Bob');
  });

  it('falls back to memory when the browser storage throws', () => {
    const broken = safeStorage(() => {
      throw new Error('SecurityError');
    });
    broken.setItem('k', 'v');
    expect(broken.getItem('k')).toBe('v');
  });
});
