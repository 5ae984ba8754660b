/**
 * SQLite schema, one numbered step per entry; `PRAGMA user_version` records how many have run.
 * Append new steps; never edit a released one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: labels, the durable event log, idempotency records.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE labels (
    path TEXT PRIMARY KEY,
    tags TEXT NOT NULL,
    notes TEXT NOT NULL,
    star INTEGER,
    metrics TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  ) WITHOUT ROWID;
  -- AUTOINCREMENT: ids are never reused, even after compaction deletes the newest rows' elders.
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    path TEXT NOT NULL,
    data TEXT NOT NULL,
    changes TEXT NOT NULL
  );
  CREATE INDEX events_by_path ON events (path, id);
  CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  );
  CREATE INDEX idempotency_by_age ON idempotency (created_at_ms);
  `,
  // 2: idempotency records hold the write's domain outcome (rendered to HTTP on each replay), no
  // longer a rendered reply. Records live 30 minutes, so the old ones are dropped, not converted
  // (a metrics reply kept too little to rebuild an outcome from); a write retried across the
  // upgrade meets the version check instead, which refuses it rather than applying it twice.
  `
  DROP TABLE idempotency;
  CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  );
  CREATE INDEX idempotency_by_age ON idempotency (created_at_ms);
  `,
  // 3: moves (issue 16). An `item-moved` event records the path it came from and the first event
  // id of its move call, so `history` can follow a chain of moves (SPEC LS23) with an index lookup
  // instead of parsing every event's JSON. Older events are no moves: NULL.
  `
  ALTER TABLE events ADD COLUMN moved_from TEXT;
  ALTER TABLE events ADD COLUMN move_batch INTEGER;
  CREATE INDEX events_by_moved_from ON events (moved_from, id) WHERE moved_from IS NOT NULL;
  `,
  // 4: pick / reject flags (issue 12). Existing rows are unflagged; events logged before this
  // step carry no `flag` and are read as unflagged (the protocol's default), so none is rewritten.
  `
  ALTER TABLE labels ADD COLUMN flag TEXT CHECK (flag IN ('pick', 'reject'));
  `,
];
