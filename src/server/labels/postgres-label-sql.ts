import type pg from 'pg';
import type { Flag, Sidecar } from '../../protocol/items.js';
import type { LabelIdempotencyRecord, StoredEvent } from './label-store.js';
import type { WriteOutcome } from './write-outcome.js';

/**
 * The statements of `PostgresLabelStore`, as named query configs: pg prepares each name once per
 * pooled connection, so the hot paths skip parsing and planning. Batches travel as arrays
 * (`unnest`), which keeps one statement text for any batch size.
 */

const LABEL_COLUMNS = 'path, tags, notes, star, flag, metrics, version, updated_at, updated_by';
const EVENT_COLUMNS = 'id, type, path, data, changes';

export const SQL = {
  /** The writer's lock: every writing transaction of a dataset takes it first and keeps it to COMMIT. */
  lock: `SELECT d.last_event_id, s.compacted_through, s.idem_seq FROM lenslet_datasets d
         JOIN lenslet_label_state s ON s.dataset = d.key WHERE d.key = $1 FOR UPDATE OF d`,
  getLabels: `SELECT ${LABEL_COLUMNS} FROM lenslet_labels WHERE dataset = $1 AND path = ANY($2::text[])`,
  getLabel: `SELECT ${LABEL_COLUMNS} FROM lenslet_labels WHERE dataset = $1 AND path = $2`,
  /**
   * A commit's reads in one round trip: the rows it touches and the keys it carries, with what
   * `commitPlanned` compares under the lock (a row's version and xmin, a key's seq). One
   * primary-key lookup per path or key (LATERAL … LIMIT 1), whatever the statistics say: with
   * `= ANY` on a young dataset the planner scanned every idempotency record of the dataset.
   */
  readForCommit: `SELECT 'label' AS kind, p.path AS key, l.v
      FROM unnest($2::text[]) AS p (path)
      CROSS JOIN LATERAL (
        SELECT json_build_array(tags, notes, star, flag, metrics, version, updated_at, updated_by, xmin::text) AS v
        FROM lenslet_labels WHERE dataset = $1 AND path = p.path LIMIT 1
      ) l
    UNION ALL
    SELECT 'idem', k.key, i.v
      FROM unnest($3::text[]) AS k (key)
      CROSS JOIN LATERAL (
        SELECT json_build_array(fingerprint, outcome, created_at_ms, seq) AS v
        FROM lenslet_label_idempotency WHERE dataset = $1 AND key = k.key LIMIT 1
      ) i`,
  /** A commit planned from `readForCommit` or from rows held in memory, in one autocommit statement (labels migration 4). */
  commitPlanned: `SELECT base_event_id, base_idem_seq, xact, gap FROM lenslet_label_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
    $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)`,
  getIdem: `SELECT key, fingerprint, outcome, created_at_ms FROM lenslet_label_idempotency WHERE dataset = $1 AND key = $2`,
  /**
   * A commit's writes in one statement: rows, events, idempotency records, the clock, then the
   * wake-up for other servers (delivered on COMMIT only). Rows are unique per path (the caller
   * keeps each path's last state), as ON CONFLICT may touch a row once per statement.
   */
  write: `WITH lab AS (
      INSERT INTO lenslet_labels (dataset, ${LABEL_COLUMNS})
      SELECT $1::int, * FROM unnest($2::text[], $3::json[], $4::text[], $5::int[], $6::text[], $7::json[], $8::int[], $9::text[], $10::text[])
      ON CONFLICT (dataset, path) DO UPDATE SET tags = EXCLUDED.tags, notes = EXCLUDED.notes, star = EXCLUDED.star,
        flag = EXCLUDED.flag, metrics = EXCLUDED.metrics, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
    ), ev AS (
      INSERT INTO lenslet_label_events (dataset, id, type, path, data, changes, moved_from, move_batch)
      SELECT $1::int, * FROM unnest($11::bigint[], $12::text[], $13::text[], $14::json[], $15::json[], $16::text[], $17::bigint[])
    ), idem AS (
      INSERT INTO lenslet_label_idempotency (dataset, key, fingerprint, outcome, created_at_ms, seq)
      SELECT $1::int, * FROM unnest($18::text[], $19::text[], $20::json[], $21::bigint[], $22::bigint[])
      ON CONFLICT (dataset, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, outcome = EXCLUDED.outcome,
        created_at_ms = EXCLUDED.created_at_ms, seq = EXCLUDED.seq
    ), capped AS (
      -- Keeps the newest idempotencyMaxEntries records (LS14); a key upserted above is not this
      -- statement's to delete (a row may be touched once per statement).
      DELETE FROM lenslet_label_idempotency WHERE dataset = $1 AND seq <= $26 AND NOT (key = ANY($18::text[]))
    ), clock AS (
      UPDATE lenslet_datasets SET last_event_id = $23 WHERE key = $1 AND last_event_id <> $23
    ), st AS (
      UPDATE lenslet_label_state SET idem_seq = $24 WHERE dataset = $1 AND idem_seq <> $24
    )
    SELECT pg_notify('lenslet_events', $25::text) WHERE $25::text IS NOT NULL`,
  deleteLabels: 'DELETE FROM lenslet_labels WHERE dataset = $1 AND path = ANY($2::text[])',
  seed: `INSERT INTO lenslet_labels (dataset, ${LABEL_COLUMNS})
         SELECT $1::int, p, t, n, s, f, '{}'::json, 1, $7, $8 FROM unnest($2::text[], $3::json[], $4::text[], $5::int[], $6::text[]) AS u (p, t, n, s, f)
         ON CONFLICT (dataset, path) DO NOTHING RETURNING path`,
  /** One statement, so one snapshot: the head, the compaction point and the page agree. */
  changesSince: `SELECT d.last_event_id, s.compacted_through, e.id, e.type, e.path, e.data, e.changes
    FROM lenslet_datasets d JOIN lenslet_label_state s ON s.dataset = d.key
    LEFT JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM lenslet_label_events WHERE dataset = $1 AND id > $2 ORDER BY id LIMIT $3) e ON true
    WHERE d.key = $1 ORDER BY e.id`,
  head: 'SELECT last_event_id FROM lenslet_datasets WHERE key = $1',
  exportAll: `SELECT ${LABEL_COLUMNS} FROM lenslet_labels WHERE dataset = $1 AND path > $2 ORDER BY path LIMIT $3`,
  // `prefix || '0'` is the first string past every `prefix/...` ('0' follows '/').
  exportRange: `SELECT ${LABEL_COLUMNS} FROM lenslet_labels WHERE dataset = $1 AND path > $2
    AND (path = $3 OR (path > $4 AND path < $5)) ORDER BY path LIMIT $6`,
  historyRange: `SELECT ${EVENT_COLUMNS} FROM lenslet_label_events WHERE dataset = $1 AND path = $2 AND id > $3 AND id < $4
    ORDER BY id DESC LIMIT $5`,
  lastMoveOut: `SELECT move_batch FROM lenslet_label_events WHERE dataset = $1 AND moved_from = $2 AND id < $3
    ORDER BY id DESC LIMIT 1`,
  moveBatch: 'SELECT move_batch FROM lenslet_label_events WHERE dataset = $1 AND id = $2',
  compact: 'DELETE FROM lenslet_label_events WHERE dataset = $1 AND id <= $2',
  setCompacted: 'UPDATE lenslet_label_state SET compacted_through = $2 WHERE dataset = $1',
  pruneIdemAge: 'DELETE FROM lenslet_label_idempotency WHERE dataset = $1 AND created_at_ms <= $2',
  pruneIdemSeq: 'DELETE FROM lenslet_label_idempotency WHERE dataset = $1 AND seq <= $2',
  idemSeq: 'SELECT idem_seq FROM lenslet_label_state WHERE dataset = $1',
  ensureState: 'INSERT INTO lenslet_label_state (dataset) VALUES ($1) ON CONFLICT (dataset) DO NOTHING',
} as const;

export type Statement = keyof typeof SQL;

/** A named (prepared) query config for `SQL[name]`. */
export function stmt(name: Statement, values: unknown[]): pg.QueryConfig {
  return { name: `lenslet_labels_${name}`, text: SQL[name], values };
}

export interface LabelRow {
  path: string;
  tags: string[];
  notes: string;
  star: number | null;
  flag: Flag;
  metrics: Record<string, number>;
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface EventRow {
  id: string;
  type: StoredEvent['type'];
  path: string;
  data: StoredEvent['data'];
  changes: StoredEvent['changes'];
}

/** What `commitPlanned` returns; no row when something it was planned from had changed. */
export interface CommitPlannedRow {
  base_event_id: string;
  base_idem_seq: string;
  /** This transaction's id: the xmin of every row it wrote. */
  xact: string;
  /** Other writers' events after the caller's position, `[id, type, path, data, changes]` each; null when not read. */
  gap: [number, StoredEvent['type'], string, StoredEvent['data'], StoredEvent['changes']][] | null;
}

/** A row of `readForCommit`: a label (`v`: tags … updated_by) or an idempotency record (`v`: fingerprint, outcome, created_at_ms). */
export type CommitReadRow =
  | { kind: 'label'; key: string; v: [string[], string, number | null, Flag, Record<string, number>, number, string, string, string] }
  | { kind: 'idem'; key: string; v: [string, WriteOutcome, number, number] };

export interface IdempotencyRow {
  key: string;
  fingerprint: string;
  outcome: WriteOutcome;
  created_at_ms: string;
}

// `json` columns arrive parsed, once per read: every value handed out is a fresh snapshot (LS5).
export function fromRow(row: LabelRow): Sidecar {
  return { ...row };
}

export function eventFromRow(row: EventRow): StoredEvent {
  // BIGINT arrives as a string (pg does not guess at precision); event ids stay far below 2^53.
  return { id: Number(row.id), type: row.type, path: row.path, data: row.data, changes: row.changes };
}

export function idemFromRow(row: IdempotencyRow): LabelIdempotencyRecord {
  return { key: row.key, fingerprint: row.fingerprint, outcome: row.outcome, created_at_ms: Number(row.created_at_ms) };
}

/** The `write` statement's parameters, filled as a commit or a move plans its changes. */
export class WriteBatch {
  readonly rows = new Map<string, Sidecar>();
  readonly events: { event: StoredEvent; movedFrom: string | null; moveBatch: number | null }[] = [];
  readonly idems: { key: string; fingerprint: string; outcome: WriteOutcome; createdAtMs: number; seq: number }[] = [];

  /** `commitPlanned`'s parameters $7–$24: rows, events (ids as offsets), keys (order = seq offset). */
  plannedValues(): unknown[] {
    return [...this.rowColumns(), ...this.eventColumns(), ...this.idemColumns()];
  }

  values(dataset: number, lastEventId: number, idemSeq: number, idemCap: number, notifyPayload: string | null): unknown[] {
    return [
      dataset,
      ...this.rowColumns(),
      ...this.eventColumns(),
      this.events.map((e) => e.movedFrom),
      this.events.map((e) => e.moveBatch),
      ...this.idemColumns(),
      this.idems.map((i) => i.seq),
      lastEventId,
      idemSeq,
      notifyPayload,
      idemCap,
    ];
  }

  /** One array per column: the statements unnest them. */
  private rowColumns(): unknown[] {
    const rows = [...this.rows.values()];
    return [
      rows.map((r) => r.path),
      rows.map((r) => JSON.stringify(r.tags)),
      rows.map((r) => r.notes),
      rows.map((r) => r.star),
      rows.map((r) => r.flag),
      rows.map((r) => JSON.stringify(r.metrics)),
      rows.map((r) => r.version),
      rows.map((r) => r.updated_at),
      rows.map((r) => r.updated_by),
    ];
  }

  private eventColumns(): unknown[] {
    const events = this.events;
    return [
      events.map((e) => e.event.id),
      events.map((e) => e.event.type),
      events.map((e) => e.event.path),
      events.map((e) => JSON.stringify(e.event.data)),
      events.map((e) => JSON.stringify(e.event.changes)),
    ];
  }

  private idemColumns(): unknown[] {
    return [
      this.idems.map((i) => i.key),
      this.idems.map((i) => i.fingerprint),
      this.idems.map((i) => JSON.stringify(i.outcome)),
      this.idems.map((i) => i.createdAtMs),
    ];
  }
}
