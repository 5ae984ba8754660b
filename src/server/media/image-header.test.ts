import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeImage } from '../../../test/factories/image-tree.js';
import { probeDimensions } from './image-header.js';

describe('probeDimensions', () => {
  for (const format of ['jpg', 'png', 'webp', 'gif', 'avif', 'tiff']) {
    it(`reads ${format} dimensions from the header`, async () => {
      const bytes = await encodeImage(format, { w: 37, h: 21 });
      expect(probeDimensions(bytes, true)).toEqual({ w: 37, h: 21 });
    });
  }

  it('reads lossless and extended WebP headers', async () => {
    const base = sharp({ create: { width: 33, height: 17, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } });
    expect(probeDimensions(await base.clone().webp({ lossless: true }).toBuffer(), true)).toEqual({ w: 33, h: 17 });
    const extended = await base.clone().webp().withMetadata({ exif: { IFD0: { Software: 'x' } } }).toBuffer();
    expect(extended.toString('latin1', 12, 16)).toBe('VP8X');
    expect(probeDimensions(extended, true)).toEqual({ w: 33, h: 17 });
  });

  it('swaps width and height for a rotated JPEG, as displayed', async () => {
    const bytes = await encodeImage('jpg', { w: 40, h: 20, orientation: 6 });
    expect(probeDimensions(bytes, true)).toEqual({ w: 20, h: 40 });
  });

  it('asks for more bytes when the JPEG frame header lies past the prefix', async () => {
    const bytes = await encodeImage('jpg', { w: 40, h: 20, exif: { ImageDescription: 'x'.repeat(5000) } });
    expect(probeDimensions(bytes.subarray(0, 1024), false)).toBe('more');
    expect(probeDimensions(bytes, true)).toEqual({ w: 40, h: 20 });
  });

  it('returns null for garbage and for truncated files', () => {
    expect(probeDimensions(Buffer.from('not an image at all, really'), true)).toBeNull();
    expect(probeDimensions(Buffer.from([0xff, 0xd8, 0xff]), true)).toBeNull();
  });
});
