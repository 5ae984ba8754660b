import type pg from 'pg';
import { IDEMPOTENCY_MAX_ENTRIES, IDEMPOTENCY_TTL_MS } from '../lib/idempotency.js';
import { notify, type PgConnection } from '../postgres/pg-connection.js';
import { PgViewsBackend, VIEWS_CHANNEL } from './pg-views-backend.js';
import { sameView } from './view-access.js';
import { readViewsFile } from './views-backend.js';
import { type OwnedDocument, serializeViews } from './views-file.js';

/**
 * `lenslet migrate`: copies a workspace's views file (or the legacy one, when it is ours) into the
 * dataset's row, idempotency records included, so retries of writes made before the move still
 * replay. Copies only into a dataset nobody has written yet; running it again with the same
 * document does nothing (`copied: false`); a dataset holding another document is refused, since
 * the copy would overwrite smart folders someone made there.
 */
export async function copyViewsToPostgres(viewsFile: string, legacyFile: string | undefined, db: PgConnection): Promise<CopiedViews> {
  const copy = await prepareViewsCopy(viewsFile, legacyFile, db);
  return db.tx(copy);
}

export interface CopiedViews {
  views: number;
  copied: boolean;
}

/** Reads the file and readies the schema before the transaction; the copy runs as a step of the caller's. */
export async function prepareViewsCopy(viewsFile: string, legacyFile: string | undefined, db: PgConnection): Promise<(client: pg.PoolClient) => Promise<CopiedViews>> {
  const found = await readViewsFile(viewsFile, legacyFile, { setAside: false });
  if (!found || (found.doc.views.length === 0 && found.records.length === 0)) return async () => ({ views: 0, copied: false });
  await PgViewsBackend.open(db, { ttlMs: IDEMPOTENCY_TTL_MS, maxEntries: IDEMPOTENCY_MAX_ENTRIES });
  return async (client) => {
    const row = (await client.query<{ version: number; views: OwnedDocument['views'] }>(
      "SELECT version, document -> 'views' AS views FROM lenslet_views WHERE dataset = $1 FOR UPDATE",
      [db.dataset],
    )).rows[0]!;
    const views = found.doc.views.length;
    // Compared by views only: a copy of a version-1 file was stored one version up (below).
    if (sameViews(row.views, found.doc.views)) return { views, copied: false };
    if (row.views.length > 0 || row.version !== 1) {
      throw new Error(`dataset ${db.datasetId} already has other smart folders in PostgreSQL (version ${row.version}); not overwriting them`);
    }
    // A server may already serve the empty document at version 1: the copy must be newer, or a
    // client of that server would write its empty list over the copied views as a current write.
    const doc = found.doc.version > row.version ? found.doc : { ...found.doc, version: row.version + 1 };
    const { text } = serializeViews(doc, doc === found.doc ? found.records : []);
    await client.query('UPDATE lenslet_views SET version = $2, document = $3::jsonb, writer = NULL, updated_at = now() WHERE dataset = $1', [
      db.dataset,
      doc.version,
      text,
    ]);
    await notify(client, VIEWS_CHANNEL, String(db.dataset));
    return { views, copied: true };
  };
}

function sameViews(stored: OwnedDocument['views'], copied: OwnedDocument['views']): boolean {
  return stored.length === copied.length && stored.every((v, i) => sameView(v, copied[i]!));
}
