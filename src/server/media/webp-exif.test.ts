import { describe, expect, it } from 'vitest';
import { encodeImage } from '../../../test/factories/image-tree.js';
import { readWebpExif } from './webp-exif.js';

const reader = (data: Buffer) => async (position: number, length: number) => data.subarray(position, position + length);

describe('readWebpExif', () => {
  it('returns the TIFF bytes of the EXIF chunk', async () => {
    const webp = await encodeImage('webp', { w: 8, h: 8, exif: { Software: 'x' } });
    const tiff = await readWebpExif(reader(webp));
    expect(['II', 'MM']).toContain(tiff?.toString('latin1', 0, 2));
  });

  it('strips a JPEG-style Exif prefix and skips odd-sized chunks', async () => {
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.write(type, 0, 'latin1');
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, Buffer.alloc(data.length & 1)]);
    };
    const body = Buffer.concat([chunk('VP8X', Buffer.alloc(3)), chunk('EXIF', Buffer.from('Exif\0\0II*\0'))]);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP'), body]);
    riff.writeUInt32LE(riff.length - 8, 4);
    expect((await readWebpExif(reader(riff)))?.toString('latin1')).toBe('II*\0');
  });

  it('returns undefined without an EXIF chunk or for other files', async () => {
    expect(await readWebpExif(reader(await encodeImage('webp', { w: 8, h: 8 })))).toBeUndefined();
    expect(await readWebpExif(reader(Buffer.from('GIF89a------')))).toBeUndefined();
  });
});
