import { existsSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, makeTempDir, removeDir } from '../factories/image-tree.js';
import { metadataResponseSchema } from '../../src/protocol/metadata.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { expectWire } from '../support/wire.js';

const SD_PARAMETERS = 'a red fox\nNegative prompt: blurry\nSteps: 25, Sampler: Euler a, CFG scale: 6, Seed: 99, Model: fancy_v2';
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer(
    {
      'photo.jpg': { w: 64, h: 48, exif: { Software: 'TestCam 1.0', ImageDescription: 'a test photo' } },
      'tall.png': { w: 20, h: 80 },
      'tiny.webp': { w: 10, h: 8 },
      'anim.gif': { w: 30, h: 30 },
      'pic.avif': { w: 40, h: 20 },
      'scan.tiff': { w: 32, h: 64 },
      'sd.png': {
        w: 32,
        h: 32,
        pngText: [
          { keyword: 'Title', text: 'early', before: true },
          { keyword: 'parameters', text: SD_PARAMETERS },
          { keyword: 'Software', text: 'ComfyUI', type: 'iTXt' },
        ],
      },
      'exif.webp': { w: 16, h: 16, exif: { Software: 'WebP Tool', ImageDescription: 'webp desc' } },
      'exif.tiff': { w: 16, h: 16 },
      'sd.jpg': { w: 16, h: 16, userComment: 'a blue whale\nNegative prompt: fog\nSteps: 12, Sampler: DDIM, Seed: 31337' },
      'broken.jpg': 'this is not really a jpeg',
      'empty.png': '',
      'doc.txt': 'text',
      'inner/a.jpg': { w: 8, h: 8 },
    },
    { thumbSize: 16, thumbQuality: 60 },
  );
});
afterAll(() => t.close());

describe('GET /file', () => {
  it('streams the original with content type and validators', async () => {
    const response = await t.get('/file?path=/photo.jpg');
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(body.equals(await import('node:fs').then((fs) => fs.readFileSync(join(t.dir, 'photo.jpg'))))).toBe(true);
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.headers.get('last-modified')).toBeTruthy();
    expect(response.headers.get('accept-ranges')).toBe('bytes');
  });

  it('answers 304 to If-None-Match and If-Modified-Since', async () => {
    const first = await t.get('/file?path=/photo.jpg');
    const etag = first.headers.get('etag')!;
    expect((await t.get('/file?path=/photo.jpg', { 'if-none-match': etag })).status).toBe(304);
    expect((await t.get('/file?path=/photo.jpg', { 'if-modified-since': first.headers.get('last-modified')! })).status).toBe(304);
    expect((await t.get('/file?path=/photo.jpg', { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('serves byte ranges with 206 and refuses unsatisfiable ones with 416', async () => {
    const whole = Buffer.from(await (await t.get('/file?path=/photo.jpg')).arrayBuffer());
    const part = await t.get('/file?path=/photo.jpg', { range: 'bytes=2-9' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 2-9/${whole.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(2, 10))).toBe(true);
    const tail = await t.get('/file?path=/photo.jpg', { range: 'bytes=-4' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(-4))).toBe(true);
    const open = await t.get('/file?path=/photo.jpg', { range: `bytes=${whole.length - 3}-` });
    expect((await open.arrayBuffer()).byteLength).toBe(3);
    const bad = await t.get('/file?path=/photo.jpg', { range: `bytes=${whole.length}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe(`bytes */${whole.length}`);
  });

  it('serves an empty file', async () => {
    const response = await t.get('/file?path=/empty.png');
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers 400, 404 and 415 for missing, unknown and non-image paths', async () => {
    expect((await t.json('/file')).body.error.code).toBe('missing_parameter');
    expect((await t.json('/file?path=/nope.jpg')).status).toBe(404);
    const text = await t.json('/file?path=/doc.txt');
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
  });

  it('answers 404 when the file vanished after indexing', async () => {
    writeFileSync(join(t.dir, 'gone.jpg'), await encodeImage('jpg', { w: 4, h: 4 }));
    await t.server.source.refresh('/');
    rmSync(join(t.dir, 'gone.jpg'));
    expect((await t.json('/file?path=/gone.jpg')).status).toBe(404);
  });
});

describe('GET /thumb', () => {
  it('makes a WebP whose short edge is the thumb size', async () => {
    for (const [path, w, h] of [
      ['/photo.jpg', 21, 16],
      ['/tall.png', 16, 64],
      ['/pic.avif', 32, 16],
      ['/scan.tiff', 16, 32],
      ['/anim.gif', 16, 16],
    ] as const) {
      const response = await t.get(`/thumb?path=${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height], path).toEqual(['webp', w, h]);
    }
  });

  it('never upscales', async () => {
    const meta = await sharp(Buffer.from(await (await t.get('/thumb?path=/tiny.webp')).arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([10, 8]);
  });

  it('sends cache headers and 304 on a matching ETag', async () => {
    const response = await t.get('/thumb?path=/photo.jpg');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect((await t.get('/thumb?path=/photo.jpg', { 'if-none-match': etag })).status).toBe(304);
    const versioned = await t.get('/thumb?path=/photo.jpg&v=123');
    expect(versioned.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 422 image_decode_failed for a corrupt image, and keeps serving', async () => {
    for (const path of ['/broken.jpg', '/empty.png']) {
      const { status, body } = await t.json(`/thumb?path=${path}`);
      expect(status).toBe(422);
      expect(body.error.code).toBe('image_decode_failed');
    }
    expect((await t.get('/thumb?path=/inner/a.jpg')).status).toBe(200);
  });

  it('caches on disk in the workspace, keyed so a changed source gets a new thumbnail', async () => {
    const before = (await t.get('/thumb?path=/inner/a.jpg')).headers.get('etag');
    const key = before!.replaceAll('"', '');
    // Written after the reply (temp file, then rename): wait until the finished file is there.
    await until(() => existsSync(join(t.dir, '.lenslet', 'thumbs', key.slice(0, 2), `${key}.webp`)));
    const file = join(t.dir, 'inner', 'a.jpg');
    writeFileSync(file, await encodeImage('jpg', { w: 80, h: 40, color: { r: 0, g: 0, b: 255 } }));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await t.server.source.refresh('/inner');
    const after = await t.get('/thumb?path=/inner/a.jpg');
    expect(after.headers.get('etag')).not.toBe(before);
    const meta = await sharp(Buffer.from(await after.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([32, 16]);
  });

  it('answers 415 for a non-image and 404 for an unknown image', async () => {
    expect((await t.json('/thumb?path=/doc.txt')).status).toBe(415);
    expect((await t.json('/thumb?path=/zzz.png')).status).toBe(404);
  });
});

describe('GET /metadata', () => {
  it('returns EXIF for a JPEG with quick fields', async () => {
    const { status, body } = await t.json('/metadata?path=/photo.jpg');
    expect(status).toBe(200);
    expectWire(metadataResponseSchema, body);
    expect(body).toMatchObject({ path: '/photo.jpg', format: 'jpeg', width: 64, height: 48, png_text: null });
    expect(body.exif).toMatchObject({ Software: 'TestCam 1.0', ImageDescription: 'a test photo' });
    expect(body.quick_fields).toMatchObject({ software: 'TestCam 1.0', description: 'a test photo' });
  });

  it('returns PNG text chunks after IDAT and Stable Diffusion fields', async () => {
    const { body } = await t.json('/metadata?path=/sd.png');
    expect(body.format).toBe('png');
    expect(body.png_text).toEqual([
      { type: 'tEXt', keyword: 'Title', text: 'early' }, // before IDAT
      { type: 'tEXt', keyword: 'parameters', text: SD_PARAMETERS }, // after IDAT
      { type: 'iTXt', keyword: 'Software', text: 'ComfyUI', language: '', translated_keyword: '' },
    ]);
    expect(body.quick_fields).toMatchObject({
      prompt: 'a red fox',
      negative_prompt: 'blurry',
      steps: '25',
      seed: '99',
      model: 'fancy_v2',
      software: 'ComfyUI',
    });
  });

  it('returns EXIF for WebP and TIFF', async () => {
    const webp = (await t.json('/metadata?path=/exif.webp')).body;
    expect(webp).toMatchObject({ format: 'webp', exif: { Software: 'WebP Tool' }, quick_fields: { software: 'WebP Tool', description: 'webp desc' } });
    const tiff = (await t.json('/metadata?path=/exif.tiff')).body;
    // libvips writes its own TIFF tags (not our Software), so check what it does write.
    expect(tiff).toMatchObject({ format: 'tiff', exif: { ImageWidth: 16, ImageHeight: 16 } });
  });

  it('reads generation parameters from an EXIF UserComment, JSON-safe throughout', async () => {
    const { body } = await t.json('/metadata?path=/sd.jpg');
    expect(body.quick_fields).toMatchObject({ prompt: 'a blue whale', negative_prompt: 'fog', steps: '12', sampler: 'DDIM', seed: '31337' });
    expect(body.exif.userComment).toContain('Steps: 12');
    expect(body.exif.ExifVersion).toBeTypeOf('string');
    expect(JSON.stringify(body)).not.toMatch(/"type":"Buffer"/);
  });

  it('handles formats without metadata and broken files without failing', async () => {
    for (const path of ['/anim.gif', '/pic.avif', '/scan.tiff', '/tiny.webp', '/broken.jpg', '/empty.png']) {
      const { status, body } = await t.json(`/metadata?path=${path}`);
      expect(status, path).toBe(200);
      expect(typeof body.quick_fields).toBe('object');
    }
  });

  it('answers 415 for a non-image', async () => {
    expect((await t.json('/metadata?path=/doc.txt')).status).toBe(415);
  });
});

describe('symlink changed after indexing', () => {
  it('refuses to follow it out of the root', async () => {
    const outside = makeTempDir('lenslet-out-');
    try {
      writeFileSync(join(outside, 'x.jpg'), await encodeImage('jpg', { w: 4, h: 4 }));
      symlinkSync(join(t.dir, 'tall.png'), join(t.dir, 'moving.png'));
      await t.server.source.refresh('/');
      expect((await t.get('/file?path=/moving.png')).status).toBe(200);
      rmSync(join(t.dir, 'moving.png'));
      symlinkSync(join(outside, 'x.jpg'), join(t.dir, 'moving.png'));
      for (const route of ['file', 'thumb', 'metadata']) {
        const { status, body } = await t.json(`/${route}?path=/moving.png`);
        expect(status, route).toBe(400);
        expect(body.error.code).toBe('invalid_path');
      }
    } finally {
      removeDir(outside);
    }
  });
});

/** Checks again after pending I/O has run, until `check` holds; the test's timeout bounds the wait. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}
