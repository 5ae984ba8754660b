/**
 * PostgreSQL schema of the labels component, one numbered step per entry (`PgConnection.migrate`
 * records how many have run, under one lock). Append new steps; never edit a released one.
 *
 * Every table is keyed by `dataset` (`lenslet_datasets.key`) first: one database holds many
 * datasets and a server only ever touches its own. Paths use the "C" collation so they sort by
 * bytes, like SQLite: `exportUnder`'s range trick (`prefix/` … `prefix0`) relies on it. JSON is
 * `json`, not `jsonb`: it keeps the text as written (key order of metrics, changes), and nothing
 * queries inside it.
 */
export const PG_LABEL_MIGRATIONS: readonly string[] = [
  // 1: labels, the event log (ids from the dataset's clock, `lenslet_datasets.last_event_id`),
  // idempotency records, and per-dataset state (compaction point, idempotency sequence).
  `
  CREATE TABLE lenslet_labels (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    path TEXT COLLATE "C" NOT NULL,
    tags JSON NOT NULL,
    notes TEXT NOT NULL,
    star INTEGER,
    metrics JSON NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (dataset, path)
  );
  -- moved_from and move_batch: an item-moved event's source path and the first event id of its
  -- move call, so history follows moves with index lookups (SPEC LS23, as SQLite's step 3).
  CREATE TABLE lenslet_label_events (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    id BIGINT NOT NULL,
    type TEXT NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    data JSON NOT NULL,
    changes JSON NOT NULL,
    moved_from TEXT COLLATE "C",
    move_batch BIGINT,
    PRIMARY KEY (dataset, id)
  );
  CREATE INDEX lenslet_label_events_by_path ON lenslet_label_events (dataset, path, id);
  CREATE INDEX lenslet_label_events_by_moved_from ON lenslet_label_events (dataset, moved_from, id) WHERE moved_from IS NOT NULL;
  -- seq: insertion order per dataset (from lenslet_label_state.idem_seq), so keeping the newest N
  -- records is one index range delete.
  CREATE TABLE lenslet_label_idempotency (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    outcome JSON NOT NULL,
    created_at_ms BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (dataset, key)
  );
  CREATE INDEX lenslet_label_idempotency_by_age ON lenslet_label_idempotency (dataset, created_at_ms);
  CREATE INDEX lenslet_label_idempotency_by_seq ON lenslet_label_idempotency (dataset, seq);
  CREATE TABLE lenslet_label_state (
    dataset INTEGER PRIMARY KEY REFERENCES lenslet_datasets (key),
    compacted_through BIGINT NOT NULL DEFAULT 0,
    idem_seq BIGINT NOT NULL DEFAULT 0
  );
  `,
];
