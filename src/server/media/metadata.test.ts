import { describe, expect, it } from 'vitest';
import { toJsonSafe } from './metadata.js';

describe('toJsonSafe', () => {
  it('turns values JSON cannot carry into ones it can', () => {
    const safe = toJsonSafe(
      {
        big: 12345678901234567890n,
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        when: new Date('2024-05-06T07:08:09Z'),
        bad: new Date('nope'),
        ascii: Buffer.concat([Buffer.from('ASCII\0\0\0'), Buffer.from('hello')]),
        unicode: Buffer.concat([Buffer.from('UNICODE\0'), Buffer.from('hi', 'utf16le').swap16()]),
        small: new Uint8Array([1, 2, 3, 0]),
        blob: Buffer.alloc(1000),
        floats: new Float32Array([0.5, 1.5]),
        nested: { list: [1n, undefined, 'x'] },
      },
      0,
    );
    expect(safe).toEqual({
      big: '12345678901234567890',
      nan: null,
      inf: null,
      when: '2024-05-06T07:08:09.000Z',
      bad: null,
      ascii: 'hello',
      unicode: 'hi',
      small: [1, 2, 3, 0],
      blob: '<1000 bytes>',
      floats: [0.5, 1.5],
      nested: { list: ['1', null, 'x'] },
    });
    expect(() => JSON.stringify(safe)).not.toThrow();
  });
});
