import { describe, expect, it } from 'vitest';
import { applyLabelSeeds } from '../../src/server/datasets/parquet-seeds.js';
import { ChangeFeed } from '../../src/server/events/change-feed.js';
import { LabelService } from '../../src/server/labels/label-service.js';
import { MemoryLabelStore } from '../../src/server/labels/memory-label-store.js';

describe('label seeds from a table', () => {
  it('labels never-labeled items and leaves labeled ones alone, also on a second run', async () => {
    const service = await LabelService.open({ store: new MemoryLabelStore(), feed: new ChangeFeed(), itemExists: () => true });
    const edited = await service.patchItem('/b.jpg', { base_version: 1, set_star: 1 }, { idempotencyKey: 'user-edit' });
    expect(edited.status).toBe(200);
    const seeds = [
      { path: '/a.jpg', tags: ['cat'], star: 5, notes: 'from the table' },
      { path: '/b.jpg', tags: ['dog'], star: 4, notes: '' },
    ];
    expect(await applyLabelSeeds(service, seeds)).toEqual({ applied: 1, kept: 1 });
    expect(service.peek('/a.jpg')).toMatchObject({ tags: ['cat'], star: 5, notes: 'from the table' });
    expect(service.peek('/b.jpg')).toMatchObject({ tags: [], star: 1 });
    expect(await applyLabelSeeds(service, seeds)).toEqual({ applied: 0, kept: 2 });
    await service.close();
  });
});
