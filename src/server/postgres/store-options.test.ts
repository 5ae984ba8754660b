import { describe, expect, it } from 'vitest';
import { checkDatasetId, checkStoreUrl, defaultDatasetId, openStore, redactUrl, StoreOpenError } from './store-options.js';

describe('store options', () => {
  it('accepts postgres:// and postgresql:// URLs, refuses others in one line', () => {
    expect(checkStoreUrl('postgres://user@db.lan:5432/lenslet')).toBeNull();
    expect(checkStoreUrl('postgresql://user:pw@127.0.0.1/lenslet')).toBeNull();
    expect(checkStoreUrl('mysql://user@db/lenslet')).toMatch(/^--store must be a postgres:\/\/ URL.*got a mysql: URL\)$/);
    expect(checkStoreUrl('db.lan:5432')).toMatch(/^--store must be a postgres:\/\/ URL/);
    expect(checkStoreUrl('just words')).toMatch(/^--store must be a postgres:\/\/ URL/);
  });

  it('names the dataset after the folder, or the table file without .parquet', () => {
    expect(defaultDatasetId('/data/photos')).toBe('photos');
    expect(defaultDatasetId('/data/photos/')).toBe('photos');
    expect(defaultDatasetId('/data/run-7/items.parquet')).toBe('items');
    expect(defaultDatasetId('/data/shots.PARQUET')).toBe('shots');
    // A folder holding items.parquet is named by the folder, as the CLI is given the folder.
    expect(defaultDatasetId('/data/run-7')).toBe('run-7');
  });

  it('refuses an empty, overlong or control-character dataset id', () => {
    expect(checkDatasetId('photos 2024')).toBeNull();
    expect(checkDatasetId(' ')).toMatch(/must not be empty/);
    expect(checkDatasetId('x'.repeat(201))).toMatch(/at most 200/);
    expect(checkDatasetId('a\nb')).toMatch(/control characters/);
  });

  it('never shows the password', () => {
    expect(redactUrl('postgres://u:secret@h:5432/d')).toBe('postgres://u:***@h:5432/d');
    expect(redactUrl('postgres://u:secret@h:5432/d')).not.toContain('secret');
  });

  it('an unreachable database at start is one line naming it, without the password', async () => {
    const error = await openStore({ url: 'postgres://postgres:hunter2@127.0.0.1:1/nothing', datasetId: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    const message = (error as Error).message;
    expect(message).toMatch(/^cannot use the PostgreSQL store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });
});
