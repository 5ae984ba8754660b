import { describe, expect, it } from 'vitest';
import { encodeImage } from '../../../test/factories/image-tree.js';
import { parseGenerationParameters } from './generation-params.js';
import { readPngChunks } from './png-text.js';

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
