import { describe, expect, it } from 'vitest';
import { maxLoopDelay } from '../../../test/support/loop-delay.js';
import { MAX_PARAMETERS_LENGTH, parseGenerationParameters, settingPairs } from './generation-params.js';

describe('parseGenerationParameters', () => {
  it('reads quoted values with commas, keys with spaces and dots, and skips segments without a key', () => {
    const pairs = [...settingPairs('Steps: 20, junk without colon, Lora hashes: "a: 1, b: 2", Hires.upscale: 2, Model: x')];
    expect(pairs).toEqual([
      ['Steps', '20'],
      ['Lora hashes', 'a: 1, b: 2'],
      ['Hires.upscale', '2'],
      ['Model', 'x'],
    ]);
  });

  it('keeps an unterminated quote as the rest of the line', () => {
    expect([...settingPairs('Steps: 1, Note: "open, never closed')]).toEqual([
      ['Steps', '1'],
      ['Note', 'open, never closed'],
    ]);
  });

  it('parses a 160K-character settings line without a colon in bounded time (it was quadratic: 7.5 s)', async () => {
    const line = `Steps: 20, ${'a'.repeat(160_000)}`;
    const { result, maxDelayMs } = await maxLoopDelay(() => parseGenerationParameters(`a prompt\n${line}`));
    expect(result).toMatchObject({ prompt: 'a prompt', steps: '20' });
    expect(maxDelayMs).toBeLessThan(1000);
  });

  it('stays linear on pathological shapes: key characters, commas, spaces, NUL runs', async () => {
    const shapes = [
      `Steps: 1, ${'a '.repeat(100_000)}`,
      `Steps: 1, ${'a,'.repeat(100_000)}`,
      `Steps: 1, ${'"\\'.repeat(100_000)}`,
      `Steps: 1, ${' '.repeat(200_000)}x`,
      `${'Negative prompt: x\n'.repeat(20_000)}Steps: 1`,
    ];
    const { maxDelayMs } = await maxLoopDelay(() => shapes.map(parseGenerationParameters));
    expect(maxDelayMs).toBeLessThan(1000);
  });

  it('reads at most MAX_PARAMETERS_LENGTH characters', () => {
    const fields = parseGenerationParameters(`${'p'.repeat(MAX_PARAMETERS_LENGTH)}\nSteps: 20`);
    expect(fields.steps).toBeUndefined();
    expect(fields.prompt).toHaveLength(MAX_PARAMETERS_LENGTH);
  });
});
