import { type View, viewSchema, viewsDocumentSchema } from '../../protocol/views.js';
import { notify, type PgConnection } from '../postgres/pg-connection.js';
import { ownedView } from './view-access.js';
import { type IdempotencyLimits, INITIAL_VIEWS_VERSION, memoryOf, recordsAfter, type ViewsBackend, type ViewsDecision, type ViewsState } from './views-backend.js';
import { type OwnedDocument, parseViewsRecords, serializeViews } from './views-file.js';

/** Wakes the other servers of a dataset after a change; the payload is the dataset's key. */
export const VIEWS_CHANNEL = 'lenslet_views';

/**
 * One row per dataset: the document exactly as the views file holds it (views, version and the
 * idempotency records with the older documents they need), so both keep one format and a retry
 * on any server finds the first server's record. `writer` is the owner key of the last applied
 * write, so other servers can tell whom a change concerns (VO7).
 */
export const VIEWS_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE lenslet_views (
    dataset INTEGER PRIMARY KEY REFERENCES lenslet_datasets (key),
    version INTEGER NOT NULL,
    document JSONB NOT NULL,
    writer TEXT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  `,
];

/**
 * Smart folders in PostgreSQL. A write locks the dataset's row (SELECT … FOR UPDATE), decides
 * against the stored document and records, and updates the row only if its version is still the
 * one it read: two servers' writes are serialized by the lock, a stale base gets a 409 exactly as
 * on one server, and a conflict's record (which does not bump the version) is never lost to a
 * concurrent writer either, as a bare compare-and-set without the lock would allow.
 */
export class PgViewsBackend implements ViewsBackend {
  readonly persistent = true;

  private constructor(
    private readonly db: PgConnection,
    private readonly limits: IdempotencyLimits,
  ) {}

  static async open(db: PgConnection, limits: IdempotencyLimits): Promise<PgViewsBackend> {
    await db.migrate('views', VIEWS_MIGRATIONS);
    const empty = { version: INITIAL_VIEWS_VERSION, views: [], idempotency: { records: [], documents: {} } };
    await db.query('INSERT INTO lenslet_views (dataset, version, document) VALUES ($1, $2, $3::jsonb) ON CONFLICT (dataset) DO NOTHING', [
      db.dataset,
      INITIAL_VIEWS_VERSION,
      JSON.stringify(empty),
    ]);
    return new PgViewsBackend(db, limits);
  }

  async update<T>(decide: (state: ViewsState) => ViewsDecision<T>): Promise<{ value: T; before: OwnedDocument; writer: string | null }> {
    return this.db.tx(async (client) => {
      const found = await client.query<{ version: number; document: unknown; writer: string | null }>(
        'SELECT version, document, writer FROM lenslet_views WHERE dataset = $1 FOR UPDATE',
        [this.db.dataset],
      );
      const row = found.rows[0];
      if (!row) throw new Error(`no smart folders row for dataset ${this.db.datasetId}`);
      const doc = documentOf(row.document, row.version);
      const state: ViewsState = { doc, records: memoryOf(parseViewsRecords(row.document, doc), this.limits) };
      const decision = decide(state);
      if (!decision.next && !decision.record) return { value: decision.value, before: doc, writer: row.writer };
      const next = decision.next ?? doc;
      const { text } = serializeViews(next, recordsAfter(state, decision.record));
      const writer = decision.next ? (decision.writer ?? null) : row.writer;
      const updated = await client.query(
        'UPDATE lenslet_views SET version = $2, document = $3::jsonb, writer = $4, updated_at = now() WHERE dataset = $1 AND version = $5',
        [this.db.dataset, next.version, text, writer, row.version],
      );
      if (updated.rowCount !== 1) throw new Error('the smart folders row changed under its lock');
      if (decision.next) await notify(client, VIEWS_CHANNEL, String(this.db.dataset));
      return { value: decision.value, before: doc, writer: row.writer };
    });
  }

  async read(): Promise<{ doc: OwnedDocument; writer: string | null }> {
    // Only the views: the records (with older documents) can be megabytes and a read needs none.
    const found = await this.db.query<{ version: number; views: unknown; writer: string | null }>(
      "SELECT version, document -> 'views' AS views, writer FROM lenslet_views WHERE dataset = $1",
      [this.db.dataset],
    );
    const row = found.rows[0];
    if (!row) return { doc: { version: INITIAL_VIEWS_VERSION, views: [] }, writer: null };
    const views = viewSchema.array().parse(row.views) as View[];
    return { doc: { version: row.version, views: views.map(ownedView) }, writer: row.writer };
  }

  async watch(onChange: () => void): Promise<() => Promise<void>> {
    const mine = String(this.db.dataset);
    // A reconnect may have missed notifications: reload then too.
    return this.db.listen(
      VIEWS_CHANNEL,
      (payload) => {
        if (payload === mine) onChange();
      },
      onChange,
    );
  }
}

function documentOf(json: unknown, version: number): OwnedDocument {
  const parsed = viewsDocumentSchema.parse(json);
  return { version, views: parsed.views.map(ownedView) };
}
