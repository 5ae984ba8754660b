import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import { NO_LABELS } from '../labels/label-lookup.js';
import { FingerprintStrategy } from './fingerprint-strategy.js';
import { identityStrategyFor } from './identity-for-source.js';
import { NO_MOVES } from './living-dataset.js';

const folder = { mode: 'folder', catalog: new Catalog() } as unknown as DatasetSource;

describe('identityStrategyFor', () => {
  it('ID5 --no-watch: a folder is not fingerprinted and finds no moves', async () => {
    expect(await identityStrategyFor({ source: folder, labels: NO_LABELS, cacheFile: null, enabled: false })).toBe(NO_MOVES);
  });

  it('ID1 a watched folder is fingerprinted', async () => {
    const strategy = await identityStrategyFor({ source: folder, labels: NO_LABELS, cacheFile: null, enabled: true });
    expect(strategy).toBeInstanceOf(FingerprintStrategy);
    await strategy.close();
  });
});
