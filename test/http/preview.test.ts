import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../factories/image-tree.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';

// GET /preview: screen-sized renditions (src/server/media/SPEC.md RN1…RN7).
let t: TestServer;

beforeAll(async () => {
  const alpha = await sharp({ create: { width: 1600, height: 1200, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } })
    .png()
    .toBuffer();
  t = await startTestServer({
    'big.jpg': { w: 3000, h: 2000 },
    'turned.jpg': { w: 1600, h: 800, orientation: 6 },
    'small.jpg': { w: 64, h: 48 },
    'flat.png': { w: 1500, h: 1000 },
    'alpha.png': alpha,
    'broken.jpg': 'this is not really a jpeg',
    'doc.txt': 'text',
  });
});
afterAll(() => t.close());

async function rendition(url: string) {
  const response = await t.get(url);
  expect(response.status, url).toBe(200);
  const body = Buffer.from(await response.arrayBuffer());
  const meta = await sharp(body).metadata();
  return { response, meta };
}

describe('GET /preview', () => {
  it('RN1: refuses a missing, non-integer or out-of-range w with 400, and bad paths like /thumb does', async () => {
    for (const [query, code] of [
      ['path=/big.jpg', 'missing_parameter'],
      ['path=/big.jpg&w=', 'missing_parameter'],
      ['path=/big.jpg&w=abc', 'invalid_parameter'],
      ['path=/big.jpg&w=1.5', 'invalid_parameter'],
      ['path=/big.jpg&w=0', 'invalid_parameter'],
      ['path=/big.jpg&w=99999', 'invalid_parameter'],
      ['path=/big.jpg&w=1024&w=2048', 'invalid_parameter'],
      ['w=1024', 'missing_parameter'],
      ['path=..%2Fsecret.jpg&w=1024', 'invalid_path'],
    ] as const) {
      const { status, body } = await t.json(`/preview?${query}`);
      expect([status, body.error.code], query).toEqual([400, code]);
    }
    expect((await t.json('/preview?path=/doc.txt&w=1024')).status).toBe(415);
    expect((await t.json('/preview?path=/zzz.jpg&w=1024')).status).toBe(404);
  });

  it('RN2: fits the image inside the rendition edge w rounds up to, EXIF-rotated, never upscaled', async () => {
    for (const [query, w, h] of [
      ['path=/big.jpg&w=700', 1024, 683],
      ['path=/big.jpg&w=1024', 1024, 683],
      ['path=/big.jpg&w=1500', 2048, 1365],
      ['path=/big.jpg&w=2500', 3000, 2000], // edge 3072: the original is smaller
      ['path=/big.jpg&w=16384', 3000, 2000],
      ['path=/turned.jpg&w=1024', 512, 1024], // orientation 6: 1600×800 stored, 800×1600 shown
      ['path=/small.jpg&w=1024', 64, 48],
    ] as const) {
      const { meta } = await rendition(`/preview?${query}`);
      expect([meta.width, meta.height, meta.orientation ?? 1], query).toEqual([w, h, 1]);
    }
  });

  it('RN3: is a JPEG, or a WebP keeping the alpha channel of an image that has one', async () => {
    const jpeg = await rendition('/preview?path=/flat.png&w=1024');
    expect(jpeg.response.headers.get('content-type')).toBe('image/jpeg');
    expect(jpeg.meta.format).toBe('jpeg');
    const webp = await rendition('/preview?path=/alpha.png&w=1024');
    expect(webp.response.headers.get('content-type')).toBe('image/webp');
    expect([webp.meta.format, webp.meta.hasAlpha, webp.meta.width, webp.meta.height]).toEqual(['webp', true, 1024, 768]);
  });

  it('RN4: sends an ETag per rendition edge, 304 on a match, immutable with v, and a new ETag for a changed source', async () => {
    const first = await t.get('/preview?path=/small.jpg&w=1024');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect((await t.get('/preview?path=/small.jpg&w=800', { 'if-none-match': etag })).status).toBe(304);
    expect((await t.get('/preview?path=/small.jpg&w=2048')).headers.get('etag')).not.toBe(etag);
    expect((await t.get('/preview?path=/small.jpg&w=1024&v=7')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const file = join(t.dir, 'small.jpg');
    writeFileSync(file, await encodeImage('jpg', { w: 80, h: 40, color: { r: 0, g: 0, b: 255 } }));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await t.server.source.refresh('/');
    const after = await rendition('/preview?path=/small.jpg&w=1024');
    expect(after.response.headers.get('etag')).not.toBe(etag);
    expect([after.meta.width, after.meta.height]).toEqual([80, 40]);
  });

  it('RN5: keeps renditions in the workspace, never beside the sources', async () => {
    await rendition('/preview?path=/big.jpg&w=1024');
    expect(readdirSync(t.dir).sort()).toEqual(['.lenslet', 'alpha.png', 'big.jpg', 'broken.jpg', 'doc.txt', 'flat.png', 'small.jpg', 'turned.jpg']);
    expect(readdirSync(join(t.dir, '.lenslet', 'thumbs', 'previews')).length).toBeGreaterThan(0);
  });

  it('RN7: answers 422 image_decode_failed for an image that cannot be decoded, and keeps serving', async () => {
    const { status, body } = await t.json('/preview?path=/broken.jpg&w=1024');
    expect([status, body.error.code]).toEqual([422, 'image_decode_failed']);
    expect((await t.get('/preview?path=/big.jpg&w=2048')).status).toBe(200);
  });
});
