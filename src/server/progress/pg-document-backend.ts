import { notify, type PgConnection } from '../postgres/pg-connection.js';
import { type DocumentBackend, type DocumentDecision, type DocumentRecord, type KeyRow, recordOf, type StoredDocument } from './document-backend.js';

/** Wakes the other servers of a dataset after a change; the payload is `<dataset key>:<document name>`. */
export const TEAM_CHANNEL = 'lenslet_team';

export const TEAM_PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE lenslet_team_documents (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    body JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, name)
  );
  CREATE TABLE lenslet_team_keys (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    by_name TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (dataset, key)
  );
  `,
];

/**
 * The team documents in PostgreSQL, one row per dataset and document. A write first makes sure
 * the row exists, then locks it (SELECT … FOR UPDATE) and decides under the lock, so two servers'
 * writes on one base version give one applied and one 409, and a key recorded by one server
 * replays on another.
 */
export class PgDocumentBackend implements DocumentBackend {
  readonly persistent = true;

  private constructor(private readonly db: PgConnection) {}

  static async open(db: PgConnection): Promise<PgDocumentBackend> {
    await db.migrate('team', TEAM_PG_MIGRATIONS);
    return new PgDocumentBackend(db);
  }

  async read(name: string): Promise<StoredDocument | undefined> {
    const found = await this.db.query<{ version: number; body: unknown }>('SELECT version, body FROM lenslet_team_documents WHERE dataset = $1 AND name = $2', [
      this.db.dataset,
      name,
    ]);
    const row = found.rows[0];
    return row && { version: row.version, body: row.body };
  }

  async update<T>(
    name: string,
    key: string,
    nowMs: number,
    ttlMs: number,
    decide: (stored: StoredDocument | undefined, recorded: DocumentRecord | undefined) => DocumentDecision<T>,
  ): Promise<T> {
    const { dataset } = this.db;
    return this.db.tx(async (client) => {
      // Version 0 marks a document nobody wrote yet: the row exists only so it can be locked.
      await client.query(
        "INSERT INTO lenslet_team_documents (dataset, name, version, body) VALUES ($1, $2, 0, 'null'::jsonb) ON CONFLICT (dataset, name) DO NOTHING",
        [dataset, name],
      );
      const found = await client.query<{ version: number; body: unknown }>(
        'SELECT version, body FROM lenslet_team_documents WHERE dataset = $1 AND name = $2 FOR UPDATE',
        [dataset, name],
      );
      await client.query('DELETE FROM lenslet_team_keys WHERE dataset = $1 AND created_at_ms <= $2', [dataset, nowMs - ttlMs]);
      const keyRow = await client.query<KeyRow>('SELECT key, fingerprint, by_name, outcome, created_at_ms FROM lenslet_team_keys WHERE dataset = $1 AND key = $2', [dataset, key]);
      const row = found.rows[0]!;
      const stored = row.version === 0 ? undefined : { version: row.version, body: row.body };
      const decision = decide(stored, keyRow.rows[0] && recordOf(keyRow.rows[0]));
      if (decision.next) {
        await client.query('UPDATE lenslet_team_documents SET version = $3, body = $4::jsonb, updated_at = now() WHERE dataset = $1 AND name = $2', [
          dataset,
          name,
          decision.next.version,
          JSON.stringify(decision.next.body),
        ]);
        await notify(client, TEAM_CHANNEL, `${dataset}:${name}`);
      }
      const r = decision.record;
      if (r) {
        await client.query(
          'INSERT INTO lenslet_team_keys (dataset, key, name, fingerprint, by_name, outcome, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [dataset, r.key, name, r.fingerprint, r.by, JSON.stringify(r.outcome), r.created_at_ms],
        );
      }
      return decision.value;
    });
  }

  async watch(onChange: (name: string | null) => void): Promise<() => Promise<void>> {
    const prefix = `${this.db.dataset}:`;
    return this.db.listen(
      TEAM_CHANNEL,
      (payload) => {
        if (payload.startsWith(prefix)) onChange(payload.slice(prefix.length));
      },
      () => onChange(null),
    );
  }

  async close(): Promise<void> {}
}
