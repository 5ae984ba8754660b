import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeImage } from '../../../test/factories/image-tree.js';
import { compressedTextChunk, deflatedBomb, withChunks } from '../../../test/factories/png-bomb.js';
import { maxLoopDelay } from '../../../test/support/loop-delay.js';
import { parseGenerationParameters } from './generation-params.js';
import { inflateCapped, readPngChunks } from './png-text.js';

const reader = (data: Buffer) => async (position: number, length: number) => data.subarray(position, position + length);

describe('readPngChunks', () => {
  it('finds tEXt, zTXt and iTXt chunks after the image data', async () => {
    const png = await encodeImage('png', {
      w: 4,
      h: 4,
      pngText: [
        { keyword: 'parameters', text: 'a cat' },
        { keyword: 'Comment', text: 'zipped', type: 'zTXt' },
        { keyword: 'prompt', text: 'ein Hündchen, 猫', type: 'iTXt' },
      ],
    });
    expect(png.indexOf('IDAT')).toBeLessThan(png.indexOf('tEXt'));
    const { text } = await readPngChunks(reader(png));
    expect(text.map((c) => [c.type, c.keyword, c.text])).toEqual([
      ['tEXt', 'parameters', 'a cat'],
      ['zTXt', 'Comment', 'zipped'],
      ['iTXt', 'prompt', 'ein Hündchen, 猫'],
    ]);
  });

  it('returns nothing for a file that is not a PNG', async () => {
    expect((await readPngChunks(reader(Buffer.from('GIF89a....')))).text).toEqual([]);
  });
});

describe('parseGenerationParameters', () => {
  it('splits an A1111 parameters block into quick fields', () => {
    const fields = parseGenerationParameters(
      'a photo of a cat,\nhigh detail\nNegative prompt: blurry, lowres\nSteps: 30, Sampler: DPM++ 2M, CFG scale: 7.5, Seed: 1234, Size: 512x768, Model hash: abc, Model: sdxl_base, Lora hashes: "a: 1, b: 2"',
    );
    expect(fields).toMatchObject({
      prompt: 'a photo of a cat,\nhigh detail',
      negative_prompt: 'blurry, lowres',
      steps: '30',
      sampler: 'DPM++ 2M',
      cfg_scale: '7.5',
      seed: '1234',
      size: '512x768',
      model: 'sdxl_base',
      lora_hashes: 'a: 1, b: 2',
    });
  });

  it('treats text without settings as a prompt', () => {
    expect(parseGenerationParameters('just a prompt')).toEqual({ prompt: 'just a prompt' });
  });
});

describe('readPngChunks against decompression bombs', () => {
  it('cuts each inflated chunk and the total to the budget, saying so, without blocking the event loop', async () => {
    const png = await encodeImage('png', { w: 4, h: 4 });
    const bomb = deflatedBomb(64 * 1024 * 1024);
    const bombed = withChunks(png, [
      compressedTextChunk('zTXt', 'Comment', bomb),
      compressedTextChunk('iTXt', 'prompt', bomb),
      compressedTextChunk('zTXt', 'workflow', bomb),
    ]);
    const budget = { perChunk: 256 * 1024, total: 400 * 1024, chunks: 10 };
    const { result, maxDelayMs } = await maxLoopDelay(() => readPngChunks(reader(bombed), budget));
    expect(result.truncated).toBe(true);
    expect(result.text.map((c) => [c.keyword, c.text.length, c.truncated])).toEqual([
      ['Comment', 256 * 1024, true],
      ['prompt', 144 * 1024, true],
    ]);
    expect(result.text[0]!.text).toBe('a'.repeat(256 * 1024));
    expect(maxDelayMs).toBeLessThan(1000);
  });

  it('keeps the start of a chunk whose compressed data is cut short, and skips garbage', async () => {
    const cut = await inflateCapped(deflateSync(Buffer.from('hello world')).subarray(0, 8), 100, true);
    expect(cut?.truncated).toBe(true);
    expect(await inflateCapped(Buffer.from('not deflate'), 100)).toBeUndefined();
    expect((await inflateCapped(deflateSync(Buffer.from('exactly')), 7))?.truncated).toBe(false);
  });

  it('stops reading text chunks past the chunk budget', async () => {
    const png = await encodeImage('png', { w: 4, h: 4, pngText: Array.from({ length: 5 }, (_, i) => ({ keyword: `k${i}`, text: 'x' })) });
    const result = await readPngChunks(reader(png), { perChunk: 100, total: 1000, chunks: 3 });
    expect([result.text.length, result.truncated]).toEqual([3, true]);
  });
});
