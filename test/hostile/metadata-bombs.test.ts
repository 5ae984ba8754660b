import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataResponseSchema } from '../../src/protocol/metadata.js';
import { encodeImage } from '../factories/image-tree.js';
import { compressedTextChunk, deflatedBomb, withChunks } from '../factories/png-bomb.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { maxLoopDelay } from '../support/loop-delay.js';
import { expectWire } from '../support/wire.js';

/**
 * Issue 9: a 153 KB PNG inflated to 150 MiB on the main thread (6.2 s stall, RSS 1.7 GB), four
 * such chunks gave a 500; a 160K-character parameters line without `:` stalled 7.5 s.
 */
let t: TestServer;
const MiB = 1024 * 1024;

beforeAll(async () => {
  const png = await encodeImage('png', { w: 4, h: 4 });
  const bomb = deflatedBomb(150 * MiB);
  t = await startTestServer({
    'bomb.png': withChunks(png, [compressedTextChunk('zTXt', 'Comment', bomb)]),
    'bombs.png': withChunks(png, ['prompt', 'workflow', 'Comment', 'parameters'].map((k) => compressedTextChunk(k === 'prompt' ? 'iTXt' : 'zTXt', k, bomb))),
    'long-line.png': { w: 4, h: 4, pngText: [{ keyword: 'parameters', text: `a prompt\nSteps: 20, ${'a'.repeat(160_000)}` }] },
  });
}, 60_000);
afterAll(() => t?.close());

async function metadata(path: string) {
  const rssBefore = process.memoryUsage().rss;
  const { result, maxDelayMs } = await maxLoopDelay(() => t.json(`/metadata?path=${path}`));
  return { ...result, maxDelayMs, rssGrowth: process.memoryUsage().rss - rssBefore };
}

describe('GET /metadata against hostile files', () => {
  it('answers a 150 MiB zTXt bomb with the start of its text, marked truncated, without stalling or bloating', async () => {
    const { status, body, maxDelayMs, rssGrowth } = await metadata('/bomb.png');
    expect(status).toBe(200);
    expect(maxDelayMs).toBeLessThan(1000);
    expectWire(metadataResponseSchema, body);
    expect(body.truncated).toBe(true);
    expect(body.png_text).toHaveLength(1);
    expect(body.png_text[0]).toMatchObject({ keyword: 'Comment', truncated: true });
    expect(body.png_text[0].text.length).toBeLessThanOrEqual(MiB);
    expect(maxDelayMs).toBeLessThan(1000);
    expect(rssGrowth).toBeLessThan(200 * MiB);
  });

  it('answers four such chunks with 200 (it was a 500), the total bounded', async () => {
    const { status, body, maxDelayMs, rssGrowth } = await metadata('/bombs.png');
    expect(status).toBe(200);
    expect(body.truncated).toBe(true);
    const total = body.png_text.reduce((n: number, c: { text: string }) => n + c.text.length, 0);
    expect(total).toBeLessThanOrEqual(4 * MiB);
    expect(JSON.stringify(body).length).toBeLessThan(16 * MiB);
    expect(maxDelayMs).toBeLessThan(1000);
    expect(rssGrowth).toBeLessThan(300 * MiB);
  });

  it('parses a parameters chunk with a 160K-character line without a colon in bounded time', async () => {
    const { status, body, maxDelayMs } = await metadata('/long-line.png');
    expect(status).toBe(200);
    expect(maxDelayMs).toBeLessThan(1000);
    expect(body).toMatchObject({ truncated: false, quick_fields: { prompt: 'a prompt', steps: '20' } });
  });
});
