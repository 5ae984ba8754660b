import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COMPARISON_BYTES } from '../../src/protocol/comparison.js';
import { errorBodySchema } from '../../src/protocol/errors.js';
import { MIN_PANE_HEIGHT, layoutSheet } from '../../src/server/media/comparison-layout.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { HOSTILE_PATHS } from './path-safety.cases.js';
import { expectWire } from '../support/wire.js';

let t: TestServer;
const RED = { r: 220, g: 40, b: 40 };
const BLUE = { r: 40, g: 60, b: 220 };

/**
 * Random pixels, which no PNG compresses: 3 bytes a pixel. Each file its own, since deflate would
 * find a pane repeated beside itself.
 */
function noise(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}

beforeAll(async () => {
  // Four 3600×256 (11 MB of pixels) cannot fit at the smallest pane height; three 1000×1000 (9 MB)
  // fit once scaled down.
  const wide = await Promise.all([1, 2, 3, 4].map(() => noise(3600, MIN_PANE_HEIGHT)));
  const square = await Promise.all([1, 2, 3].map(() => noise(1000, 1000)));
  t = await startTestServer({
    'red.jpg': { w: 64, h: 48, color: RED },
    'blue.png': { w: 20, h: 80, color: BLUE },
    'sub/green.webp': { w: 30, h: 30, color: { r: 40, g: 200, b: 60 } },
    'turned.jpg': { w: 40, h: 20, orientation: 6 },
    'broken.jpg': 'this is not really a jpeg',
    'notes.txt': 'text',
    'wide/1.png': wide[0]!,
    'wide/2.png': wide[1]!,
    'wide/3.png': wide[2]!,
    'wide/4.png': wide[3]!,
    'square/1.png': square[0]!,
    'square/2.png': square[1]!,
    'square/3.png': square[2]!,
  }, { rateLimits: false });
});
afterAll(() => t.close());

function exportComparison(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}/export/comparison`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = expectWire(errorBodySchema, await response.json());
  expect(body.error.code).toBe(code);
  return body.error.message;
}

async function pixel(png: Buffer, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return { r: data[at]!, g: data[at + 1]!, b: data[at + 2]! };
}

const near = (a: { r: number; g: number; b: number }, b: { r: number; g: number; b: number }) =>
  Math.abs(a.r - b.r) + Math.abs(a.g - b.g) + Math.abs(a.b - b.b) < 30;

describe('POST /export/comparison', () => {
  it('[CX3] draws the panes side by side at one height, in order, with their names under them', async () => {
    const response = await exportComparison({ paths: ['/red.jpg', '/blue.png'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="lenslet-comparison\.png"$/);
    const png = Buffer.from(await response.arrayBuffer());
    const meta = await sharp(png).metadata();
    // The tallest source (80 px) sets the pane height: 64×48 becomes 107×80 beside 20×80.
    const layout = layoutSheet([{ w: 64, h: 48 }, { w: 20, h: 80 }], 80, false);
    expect(layout.panes.map((p) => [p.width, p.height])).toEqual([[107, 80], [20, 80]]);
    expect([meta.width, meta.height]).toEqual([layout.width, layout.height]);
    const [red, blue] = layout.panes;
    expect(near(await pixel(png, red!.left + 50, red!.top + 40), RED)).toBe(true);
    expect(near(await pixel(png, blue!.left + 10, blue!.top + 40), BLUE)).toBe(true);
    // Between the panes and below them: the dark sheet; the caption band holds light text.
    expect(near(await pixel(png, red!.left + red!.width + 2, 40), { r: 24, g: 24, b: 27 })).toBe(true);
    const { data, info } = await sharp(png).extract({ left: 0, top: layout.captionTop, width: meta.width!, height: meta.height! - layout.captionTop }).raw().toBuffer({ resolveWithObject: true });
    let light = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 150 && data[i + 1]! > 150) light++;
    expect(light).toBeGreaterThan(20);
  });

  it('[CX3] applies EXIF rotation and takes images from subfolders', async () => {
    const png = Buffer.from(await (await exportComparison({ paths: ['/turned.jpg', '/sub/green.webp'] })).arrayBuffer());
    // 40×20 turned a quarter is 20×40: the pane height is 40, and it is 20 wide.
    const layout = layoutSheet([{ w: 20, h: 40 }, { w: 30, h: 30 }], 40, false);
    expect((await sharp(png).metadata()).width).toBe(layout.width);
  });

  it('[CX3] with labels: true adds a line with each pane\'s stars, then its flag', async () => {
    const patch = (key: string, body: unknown) =>
      fetch(`${t.url}/item?path=/red.jpg`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
    expect((await patch('cx:1', { base_version: 1, set_star: 4 })).status).toBe(200);
    const plain = await sharp(Buffer.from(await (await exportComparison({ paths: ['/red.jpg', '/blue.png'] })).arrayBuffer())).metadata();
    const labelled = async () => Buffer.from(await (await exportComparison({ paths: ['/red.jpg', '/blue.png'], labels: true })).arrayBuffer());
    const layout = layoutSheet([{ w: 64, h: 48 }, { w: 20, h: 80 }], 80, true);
    // The labels line under the first pane: which columns hold amber (rated) text.
    const amberColumns = async (png: Buffer) => {
      const meta = await sharp(png).metadata();
      expect(meta.height).toBe(layout.height);
      const { data, info } = await sharp(png).extract({ left: 0, top: layout.captionTop + layout.lineHeight, width: meta.width!, height: layout.lineHeight }).raw().toBuffer({ resolveWithObject: true });
      const columns = new Set<number>();
      for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 200 && data[i + 1]! > 130 && data[i + 2]! < 90) columns.add((i / info.channels) % info.width);
      return columns;
    };
    const starsOnly = await amberColumns(await labelled());
    expect(layout.height).toBeGreaterThan(plain.height!);
    expect(starsOnly.size).toBeGreaterThan(10);
    expect((await patch('cx:2', { base_version: 2, set_flag: 'pick' })).status).toBe(200);
    // "★★★★☆ · Pick" is a longer line than "★★★★☆": it reaches further out on both sides.
    const withFlag = await amberColumns(await labelled());
    expect(Math.min(...withFlag)).toBeLessThan(Math.min(...starsOnly));
    expect(Math.max(...withFlag)).toBeGreaterThan(Math.max(...starsOnly));
  });

  it('[CX1] refuses more than 4 paths with too_many_paths, and fewer than 2', async () => {
    const five = ['/red.jpg', '/blue.png', '/sub/green.webp', '/turned.jpg', '/red.jpg'];
    expect(await expectError(await exportComparison({ paths: five }), 400, 'too_many_paths')).toBe('a comparison takes at most 4 images; got 5');
    expect(await expectError(await exportComparison({ paths: ['/red.jpg'] }), 400, 'invalid_body')).toMatch(/at least 2 images; got 1/);
    await expectError(await exportComparison({ paths: '/red.jpg' }), 400, 'invalid_body');
    await expectError(await exportComparison({ paths: ['/red.jpg', '/blue.png'], labels: 'yes' }), 400, 'invalid_body');
    await expectError(await exportComparison({ paths: ['/red.jpg', '/blue.png'], extra: 1 }), 400, 'invalid_body');
  });

  it('[CX2] refuses paths outside the root, unknown paths and files that are not images', async () => {
    const outside = await exportComparison({ paths: ['/red.jpg', '/../secret.jpg'] });
    expect(await expectError(outside, 400, 'invalid_path')).toMatch(/^paths\[1\]: /);
    await expectError(await exportComparison({ paths: ['/red.jpg', '/etc/passwd.jpg'] }), 404, 'not_found');
    await expectError(await exportComparison({ paths: ['/red.jpg', '/notes.txt'] }), 415, 'unsupported_media_type');
    for (const encoded of HOSTILE_PATHS) {
      const hostile = decodeURIComponent(encoded);
      const response = await exportComparison({ paths: ['/red.jpg', hostile] });
      expect(response.status, hostile).toBeGreaterThanOrEqual(400);
      expect(response.status, hostile).toBeLessThan(500);
    }
  });

  it('[CX5] answers 422 image_decode_failed for an image that cannot be decoded', async () => {
    expect(await expectError(await exportComparison({ paths: ['/red.jpg', '/broken.jpg'] }), 422, 'image_decode_failed')).toMatch(/broken\.jpg/);
  });

  it('[CX4] refuses with too_large a sheet that cannot fit 8 MB with useful panes', async () => {
    const paths = ['/wide/1.png', '/wide/2.png', '/wide/3.png', '/wide/4.png'];
    const message = await expectError(await exportComparison({ paths }), 413, 'too_large');
    expect(message).toContain('8 MB');
  });

  it('[CX4] scales panes down until the PNG fits in 8 MB', async () => {
    const response = await exportComparison({ paths: ['/square/1.png', '/square/2.png', '/square/3.png'] });
    expect(response.status).toBe(200);
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.length).toBeLessThanOrEqual(MAX_COMPARISON_BYTES);
    const height = (await sharp(png).metadata()).height!;
    expect(height).toBeLessThan(1000);
    expect(height).toBeGreaterThan(MIN_PANE_HEIGHT);
  });
});
