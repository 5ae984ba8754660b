import { describe, expect, it } from 'vitest';
import { thumbUrl, fileUrl } from './http-client.js';
import { MediaStamps } from './media-stamps.js';

describe('media stamps', () => {
  it('remembers the newest stamp per path, follows moves, and tells subscribers', () => {
    const stamps = new MediaStamps(2);
    let calls = 0;
    stamps.subscribe(() => calls++);
    stamps.set('/a.jpg', 's1');
    stamps.set('/a.jpg', 's1'); // same stamp: nothing new
    expect(calls).toBe(1);
    stamps.set('/a.jpg', 's2');
    expect(stamps.get('/a.jpg')).toBe('s2');
    stamps.move('/a.jpg', '/b/a.jpg');
    expect(stamps.get('/a.jpg')).toBeUndefined();
    expect(stamps.get('/b/a.jpg')).toBe('s2');
    stamps.set('/c.jpg', 'x');
    stamps.set('/d.jpg', 'y'); // bounded: the oldest goes
    expect(stamps.get('/b/a.jpg')).toBeUndefined();
    expect(stamps.get(null)).toBeUndefined();
  });

  it('a stamp changes the thumbnail and file URLs; without one they are as before', () => {
    expect(thumbUrl('/a b.jpg')).toBe('/thumb?path=%2Fa+b.jpg');
    expect(thumbUrl('/a.jpg', '12-34')).toBe('/thumb?path=%2Fa.jpg&v=12-34');
    expect(fileUrl('/a.jpg', '12-34')).toBe('/file?path=%2Fa.jpg&v=12-34');
  });
});
