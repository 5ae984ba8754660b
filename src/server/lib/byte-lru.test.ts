import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.js';

describe('ByteLru', () => {
  it('evicts least recently used entries beyond its byte budget', () => {
    const lru = new ByteLru(10);
    lru.set('a', Buffer.alloc(4));
    lru.set('b', Buffer.alloc(4));
    lru.get('a'); // a is now the most recent
    lru.set('c', Buffer.alloc(4));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.get('c')).toBeDefined();
    expect(lru.bytes).toBe(8);
  });

  it('ignores values larger than the budget and replaces existing keys', () => {
    const lru = new ByteLru(10);
    lru.set('big', Buffer.alloc(11));
    expect(lru.size).toBe(0);
    lru.set('a', Buffer.alloc(3));
    lru.set('a', Buffer.alloc(5));
    expect(lru.bytes).toBe(5);
  });
});
