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
  // 2: a commit in one statement (PostgresLabelStore.commit): the plan was made from rows read
  // before the lock; under the clock's lock this checks that every row and key it read is
  // unchanged (version and xmin, the writing transaction: a delete and re-insert at the same
  // version still differs), then writes rows, events (ids = clock + offset), keys (seq = idem_seq
  // + offset), the cap, compaction when due, the age prune when asked, and the NOTIFY. Run as an
  // autocommit statement, the lock is held for this statement and the commit's WAL flush only.
  // Returns the clock and idem_seq before the commit, or no row when something read had changed
  // (nothing written: the caller reads again and re-plans).
  `
  CREATE FUNCTION lenslet_label_commit(
    p_dataset INTEGER,
    p_seen_paths TEXT[], p_seen_versions INTEGER[], p_seen_xmins TEXT[],
    p_seen_keys TEXT[], p_seen_seqs BIGINT[],
    p_paths TEXT[], p_tags JSON[], p_notes TEXT[], p_stars INTEGER[], p_metrics JSON[], p_versions INTEGER[],
    p_updated_at TEXT[], p_updated_by TEXT[],
    p_ev_offsets BIGINT[], p_ev_types TEXT[], p_ev_paths TEXT[], p_ev_data JSON[], p_ev_changes JSON[],
    p_keys TEXT[], p_prints TEXT[], p_outcomes JSON[], p_created BIGINT[],
    p_idem_max BIGINT, p_keep BIGINT, p_step BIGINT, p_prune_before BIGINT
  ) RETURNS TABLE (base_event_id BIGINT, base_idem_seq BIGINT)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_last BIGINT;
    v_compacted BIGINT;
    v_seq BIGINT;
    v_events INTEGER := coalesce(cardinality(p_ev_offsets), 0);
    v_keys INTEGER := coalesce(cardinality(p_keys), 0);
  BEGIN
    -- LP2: the dataset's writers take turns from here to COMMIT. In READ COMMITTED every statement
    -- below takes a new snapshot, so it sees each earlier writer's commit.
    SELECT d.last_event_id INTO v_last FROM lenslet_datasets d WHERE d.key = p_dataset FOR UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'dataset % has no labels state', p_dataset; END IF;
    IF EXISTS (
      SELECT 1 FROM unnest(p_seen_paths, p_seen_versions, p_seen_xmins) AS s (path, version, xmin)
      LEFT JOIN lenslet_labels l ON l.dataset = p_dataset AND l.path = s.path
      WHERE l.version IS DISTINCT FROM s.version OR l.xmin::text IS DISTINCT FROM s.xmin
    ) OR EXISTS (
      SELECT 1 FROM unnest(p_seen_keys, p_seen_seqs) AS s (key, seq)
      LEFT JOIN lenslet_label_idempotency i ON i.dataset = p_dataset AND i.key = s.key
      WHERE i.seq IS DISTINCT FROM s.seq
    ) THEN
      RETURN;
    END IF;
    SELECT s.compacted_through, s.idem_seq INTO v_compacted, v_seq FROM lenslet_label_state s WHERE s.dataset = p_dataset;

    INSERT INTO lenslet_labels (dataset, path, tags, notes, star, metrics, version, updated_at, updated_by)
    SELECT p_dataset, * FROM unnest(p_paths, p_tags, p_notes, p_stars, p_metrics, p_versions, p_updated_at, p_updated_by)
    ON CONFLICT (dataset, path) DO UPDATE SET tags = EXCLUDED.tags, notes = EXCLUDED.notes, star = EXCLUDED.star,
      metrics = EXCLUDED.metrics, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by;
    IF v_events > 0 THEN
      INSERT INTO lenslet_label_events (dataset, id, type, path, data, changes)
      SELECT p_dataset, v_last + e.o, e.t, e.p, e.d, e.c FROM unnest(p_ev_offsets, p_ev_types, p_ev_paths, p_ev_data, p_ev_changes) AS e (o, t, p, d, c);
      UPDATE lenslet_datasets SET last_event_id = v_last + v_events WHERE key = p_dataset;
    END IF;
    IF v_keys > 0 THEN
      INSERT INTO lenslet_label_idempotency (dataset, key, fingerprint, outcome, created_at_ms, seq)
      SELECT p_dataset, k.key, k.print, k.outcome, k.created, v_seq + k.n
      FROM unnest(p_keys, p_prints, p_outcomes, p_created) WITH ORDINALITY AS k (key, print, outcome, created, n)
      ON CONFLICT (dataset, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, outcome = EXCLUDED.outcome,
        created_at_ms = EXCLUDED.created_at_ms, seq = EXCLUDED.seq;
      UPDATE lenslet_label_state SET idem_seq = v_seq + v_keys WHERE dataset = p_dataset;
      -- LS14: the newest p_idem_max records stay.
      DELETE FROM lenslet_label_idempotency WHERE dataset = p_dataset AND seq <= v_seq + v_keys - p_idem_max;
    END IF;
    -- LS9: in steps (p_step events past the retention), not a DELETE on every commit.
    IF v_last + v_events - v_compacted >= p_keep + p_step THEN
      DELETE FROM lenslet_label_events WHERE dataset = p_dataset AND id <= v_last + v_events - p_keep;
      UPDATE lenslet_label_state SET compacted_through = v_last + v_events - p_keep WHERE dataset = p_dataset;
    END IF;
    IF p_prune_before IS NOT NULL THEN
      DELETE FROM lenslet_label_idempotency WHERE dataset = p_dataset AND created_at_ms <= p_prune_before;
    END IF;
    IF v_events > 0 THEN
      PERFORM pg_notify('lenslet_events', p_dataset || ':' || (v_last + v_events));
    END IF;
    base_event_id := v_last;
    base_idem_seq := v_seq;
    RETURN NEXT;
  END
  $fn$;
  `,
  // 3: the commit function again (migration 2), for fewer round trips and less work under the lock:
  // - the checks look each path and key up by primary key (LATERAL … LIMIT 1): planned as joins on
  //   a young dataset's statistics, the key check scanned every idempotency record of the dataset;
  // - it returns this transaction's id as text (`xact`: the xmin of every row it wrote), so the
  //   caller can plan its next commit on those rows from memory, without reading them back;
  // - it returns the events other writers committed after `p_known` (`gap`, at most 500, else
  //   null), so the caller publishes them in id order before its own without another query.
  `
  DROP FUNCTION lenslet_label_commit(INTEGER, TEXT[], INTEGER[], TEXT[], TEXT[], BIGINT[], TEXT[], JSON[], TEXT[], INTEGER[],
    JSON[], INTEGER[], TEXT[], TEXT[], BIGINT[], TEXT[], TEXT[], JSON[], JSON[], TEXT[], TEXT[], JSON[], BIGINT[], BIGINT, BIGINT,
    BIGINT, BIGINT);
  CREATE FUNCTION lenslet_label_commit(
    p_dataset INTEGER,
    p_seen_paths TEXT[], p_seen_versions INTEGER[], p_seen_xmins TEXT[],
    p_seen_keys TEXT[], p_seen_seqs BIGINT[],
    p_paths TEXT[], p_tags JSON[], p_notes TEXT[], p_stars INTEGER[], p_metrics JSON[], p_versions INTEGER[],
    p_updated_at TEXT[], p_updated_by TEXT[],
    p_ev_offsets BIGINT[], p_ev_types TEXT[], p_ev_paths TEXT[], p_ev_data JSON[], p_ev_changes JSON[],
    p_keys TEXT[], p_prints TEXT[], p_outcomes JSON[], p_created BIGINT[],
    p_idem_max BIGINT, p_keep BIGINT, p_step BIGINT, p_prune_before BIGINT, p_known BIGINT
  ) RETURNS TABLE (base_event_id BIGINT, base_idem_seq BIGINT, xact TEXT, gap JSON)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_last BIGINT;
    v_compacted BIGINT;
    v_seq BIGINT;
    v_events INTEGER := coalesce(cardinality(p_ev_offsets), 0);
    v_keys INTEGER := coalesce(cardinality(p_keys), 0);
  BEGIN
    -- LP2: the dataset's writers take turns from here to COMMIT. In READ COMMITTED every statement
    -- below takes a new snapshot, so it sees each earlier writer's commit.
    SELECT d.last_event_id INTO v_last FROM lenslet_datasets d WHERE d.key = p_dataset FOR UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'dataset % has no labels state', p_dataset; END IF;
    IF EXISTS (
      SELECT 1 FROM unnest(p_seen_paths, p_seen_versions, p_seen_xmins) AS s (path, version, xmin)
      LEFT JOIN LATERAL (
        SELECT l.version, l.xmin::text AS xmin FROM lenslet_labels l WHERE l.dataset = p_dataset AND l.path = s.path LIMIT 1
      ) l ON true
      WHERE l.version IS DISTINCT FROM s.version OR l.xmin IS DISTINCT FROM s.xmin
    ) OR EXISTS (
      SELECT 1 FROM unnest(p_seen_keys, p_seen_seqs) AS s (key, seq)
      LEFT JOIN LATERAL (
        SELECT i.seq FROM lenslet_label_idempotency i WHERE i.dataset = p_dataset AND i.key = s.key LIMIT 1
      ) i ON true
      WHERE i.seq IS DISTINCT FROM s.seq
    ) THEN
      RETURN;
    END IF;
    SELECT s.compacted_through, s.idem_seq INTO v_compacted, v_seq FROM lenslet_label_state s WHERE s.dataset = p_dataset;
    -- Read before this commit's own events go in; a position compaction passed gets nothing.
    IF p_known IS NOT NULL AND p_known < v_last AND p_known >= v_compacted AND v_last - p_known <= 500 THEN
      SELECT json_agg(json_build_array(e.id, e.type, e.path, e.data, e.changes) ORDER BY e.id) INTO gap
      FROM lenslet_label_events e WHERE e.dataset = p_dataset AND e.id > p_known AND e.id <= v_last;
    END IF;

    INSERT INTO lenslet_labels (dataset, path, tags, notes, star, metrics, version, updated_at, updated_by)
    SELECT p_dataset, * FROM unnest(p_paths, p_tags, p_notes, p_stars, p_metrics, p_versions, p_updated_at, p_updated_by)
    ON CONFLICT (dataset, path) DO UPDATE SET tags = EXCLUDED.tags, notes = EXCLUDED.notes, star = EXCLUDED.star,
      metrics = EXCLUDED.metrics, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by;
    IF v_events > 0 THEN
      INSERT INTO lenslet_label_events (dataset, id, type, path, data, changes)
      SELECT p_dataset, v_last + e.o, e.t, e.p, e.d, e.c FROM unnest(p_ev_offsets, p_ev_types, p_ev_paths, p_ev_data, p_ev_changes) AS e (o, t, p, d, c);
      UPDATE lenslet_datasets SET last_event_id = v_last + v_events WHERE key = p_dataset;
    END IF;
    IF v_keys > 0 THEN
      INSERT INTO lenslet_label_idempotency (dataset, key, fingerprint, outcome, created_at_ms, seq)
      SELECT p_dataset, k.key, k.print, k.outcome, k.created, v_seq + k.n
      FROM unnest(p_keys, p_prints, p_outcomes, p_created) WITH ORDINALITY AS k (key, print, outcome, created, n)
      ON CONFLICT (dataset, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, outcome = EXCLUDED.outcome,
        created_at_ms = EXCLUDED.created_at_ms, seq = EXCLUDED.seq;
      UPDATE lenslet_label_state SET idem_seq = v_seq + v_keys WHERE dataset = p_dataset;
      -- LS14: the newest p_idem_max records stay.
      DELETE FROM lenslet_label_idempotency WHERE dataset = p_dataset AND seq <= v_seq + v_keys - p_idem_max;
    END IF;
    -- LS9: in steps (p_step events past the retention), not a DELETE on every commit.
    IF v_last + v_events - v_compacted >= p_keep + p_step THEN
      DELETE FROM lenslet_label_events WHERE dataset = p_dataset AND id <= v_last + v_events - p_keep;
      UPDATE lenslet_label_state SET compacted_through = v_last + v_events - p_keep WHERE dataset = p_dataset;
    END IF;
    IF p_prune_before IS NOT NULL THEN
      DELETE FROM lenslet_label_idempotency WHERE dataset = p_dataset AND created_at_ms <= p_prune_before;
    END IF;
    IF v_events > 0 THEN
      PERFORM pg_notify('lenslet_events', p_dataset || ':' || (v_last + v_events));
    END IF;
    base_event_id := v_last;
    base_idem_seq := v_seq;
    xact := pg_current_xact_id()::xid::text;
    RETURN NEXT;
  END
  $fn$;
  `,
  // 4: pick / reject flags (issue 12): the labels' `flag` column, and the commit function of
  // migration 3 with one more array (p_flags, after p_stars). Existing rows are unflagged; events
  // logged before this step carry no `flag` and are read as unflagged, so none is rewritten.
  `
  ALTER TABLE lenslet_labels ADD COLUMN flag TEXT CHECK (flag IN ('pick', 'reject'));
  DROP FUNCTION lenslet_label_commit(INTEGER, TEXT[], INTEGER[], TEXT[], TEXT[], BIGINT[], TEXT[], JSON[], TEXT[], INTEGER[],
    JSON[], INTEGER[], TEXT[], TEXT[], BIGINT[], TEXT[], TEXT[], JSON[], JSON[], TEXT[], TEXT[], JSON[], BIGINT[], BIGINT, BIGINT,
    BIGINT, BIGINT, BIGINT);
  CREATE FUNCTION lenslet_label_commit(
    p_dataset INTEGER,
    p_seen_paths TEXT[], p_seen_versions INTEGER[], p_seen_xmins TEXT[],
    p_seen_keys TEXT[], p_seen_seqs BIGINT[],
    p_paths TEXT[], p_tags JSON[], p_notes TEXT[], p_stars INTEGER[], p_flags TEXT[], p_metrics JSON[], p_versions INTEGER[],
    p_updated_at TEXT[], p_updated_by TEXT[],
    p_ev_offsets BIGINT[], p_ev_types TEXT[], p_ev_paths TEXT[], p_ev_data JSON[], p_ev_changes JSON[],
    p_keys TEXT[], p_prints TEXT[], p_outcomes JSON[], p_created BIGINT[],
    p_idem_max BIGINT, p_keep BIGINT, p_step BIGINT, p_prune_before BIGINT, p_known BIGINT
  ) RETURNS TABLE (base_event_id BIGINT, base_idem_seq BIGINT, xact TEXT, gap JSON)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_last BIGINT;
    v_compacted BIGINT;
    v_seq BIGINT;
    v_events INTEGER := coalesce(cardinality(p_ev_offsets), 0);
    v_keys INTEGER := coalesce(cardinality(p_keys), 0);
  BEGIN
    -- LP2: the dataset's writers take turns from here to COMMIT. In READ COMMITTED every statement
    -- below takes a new snapshot, so it sees each earlier writer's commit.
    SELECT d.last_event_id INTO v_last FROM lenslet_datasets d WHERE d.key = p_dataset FOR UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'dataset % has no labels state', p_dataset; END IF;
    IF EXISTS (
      SELECT 1 FROM unnest(p_seen_paths, p_seen_versions, p_seen_xmins) AS s (path, version, xmin)
      LEFT JOIN LATERAL (
        SELECT l.version, l.xmin::text AS xmin FROM lenslet_labels l WHERE l.dataset = p_dataset AND l.path = s.path LIMIT 1
      ) l ON true
      WHERE l.version IS DISTINCT FROM s.version OR l.xmin IS DISTINCT FROM s.xmin
    ) OR EXISTS (
      SELECT 1 FROM unnest(p_seen_keys, p_seen_seqs) AS s (key, seq)
      LEFT JOIN LATERAL (
        SELECT i.seq FROM lenslet_label_idempotency i WHERE i.dataset = p_dataset AND i.key = s.key LIMIT 1
      ) i ON true
      WHERE i.seq IS DISTINCT FROM s.seq
    ) THEN
      RETURN;
    END IF;
    SELECT s.compacted_through, s.idem_seq INTO v_compacted, v_seq FROM lenslet_label_state s WHERE s.dataset = p_dataset;
    -- Read before this commit's own events go in; a position compaction passed gets nothing.
    IF p_known IS NOT NULL AND p_known < v_last AND p_known >= v_compacted AND v_last - p_known <= 500 THEN
      SELECT json_agg(json_build_array(e.id, e.type, e.path, e.data, e.changes) ORDER BY e.id) INTO gap
      FROM lenslet_label_events e WHERE e.dataset = p_dataset AND e.id > p_known AND e.id <= v_last;
    END IF;

    INSERT INTO lenslet_labels (dataset, path, tags, notes, star, flag, metrics, version, updated_at, updated_by)
    SELECT p_dataset, * FROM unnest(p_paths, p_tags, p_notes, p_stars, p_flags, p_metrics, p_versions, p_updated_at, p_updated_by)
    ON CONFLICT (dataset, path) DO UPDATE SET tags = EXCLUDED.tags, notes = EXCLUDED.notes, star = EXCLUDED.star,
      flag = EXCLUDED.flag, metrics = EXCLUDED.metrics, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by;
    IF v_events > 0 THEN
      INSERT INTO lenslet_label_events (dataset, id, type, path, data, changes)
      SELECT p_dataset, v_last + e.o, e.t, e.p, e.d, e.c FROM unnest(p_ev_offsets, p_ev_types, p_ev_paths, p_ev_data, p_ev_changes) AS e (o, t, p, d, c);
      UPDATE lenslet_datasets SET last_event_id = v_last + v_events WHERE key = p_dataset;
    END IF;
    IF v_keys > 0 THEN
      INSERT INTO lenslet_label_idempotency (dataset, key, fingerprint, outcome, created_at_ms, seq)
      SELECT p_dataset, k.key, k.print, k.outcome, k.created, v_seq + k.n
      FROM unnest(p_keys, p_prints, p_outcomes, p_created) WITH ORDINALITY AS k (key, print, outcome, created, n)
      ON CONFLICT (dataset, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, outcome = EXCLUDED.outcome,
        created_at_ms = EXCLUDED.created_at_ms, seq = EXCLUDED.seq;
      UPDATE lenslet_label_state SET idem_seq = v_seq + v_keys WHERE dataset = p_dataset;
      -- LS14: the newest p_idem_max records stay.
      DELETE FROM lenslet_label_idempotency WHERE dataset = p_dataset AND seq <= v_seq + v_keys - p_idem_max;
    END IF;
    -- LS9: in steps (p_step events past the retention), not a DELETE on every commit.
    IF v_last + v_events - v_compacted >= p_keep + p_step THEN
      DELETE FROM lenslet_label_events WHERE dataset = p_dataset AND id <= v_last + v_events - p_keep;
      UPDATE lenslet_label_state SET compacted_through = v_last + v_events - p_keep WHERE dataset = p_dataset;
    END IF;
    IF p_prune_before IS NOT NULL THEN
      DELETE FROM lenslet_label_idempotency WHERE dataset = p_dataset AND created_at_ms <= p_prune_before;
    END IF;
    IF v_events > 0 THEN
      PERFORM pg_notify('lenslet_events', p_dataset || ':' || (v_last + v_events));
    END IF;
    base_event_id := v_last;
    base_idem_seq := v_seq;
    xact := pg_current_xact_id()::xid::text;
    RETURN NEXT;
  END
  $fn$;
  `,
];
