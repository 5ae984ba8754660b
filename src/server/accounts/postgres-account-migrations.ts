/**
 * The accounts schema in PostgreSQL (`PgConnection.migrate('accounts', …)`), one numbered step per
 * entry. Every table leads with the dataset's key: one database serves many datasets and a server
 * sees only its own users, sessions and tokens. Append new steps; never edit a released one.
 */
export const POSTGRES_ACCOUNT_MIGRATIONS: readonly string[] = [
  // 1: users, sessions, tokens, one-time links, audit log, settings, and one state row per dataset.
  // The state row is the dataset's account lock (writers take it FOR UPDATE), hands out user and
  // audit ids in commit order (ids survive a copy from SQLite unchanged, which a shared sequence
  // would collide with), and carries the change stamp other servers poll.
  `
  CREATE TABLE lenslet_account_state (
    dataset INTEGER PRIMARY KEY REFERENCES lenslet_datasets (key),
    stamp BIGINT NOT NULL DEFAULT 0,
    last_user_id INTEGER NOT NULL DEFAULT 0,
    last_audit_id BIGINT NOT NULL DEFAULT 0
  );
  CREATE TABLE lenslet_users (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT,
    PRIMARY KEY (dataset, id),
    UNIQUE (dataset, name_key)
  );
  CREATE TABLE lenslet_user_sessions (
    dataset INTEGER NOT NULL,
    id_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (dataset, id_hash),
    FOREIGN KEY (dataset, user_id) REFERENCES lenslet_users (dataset, id) ON DELETE CASCADE
  );
  CREATE INDEX lenslet_user_sessions_by_user ON lenslet_user_sessions (dataset, user_id);
  CREATE INDEX lenslet_user_sessions_by_expiry ON lenslet_user_sessions (dataset, expires_at_ms);
  CREATE TABLE lenslet_api_tokens (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    role TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    last_used_at TEXT,
    PRIMARY KEY (dataset, id),
    UNIQUE (dataset, name_key),
    UNIQUE (dataset, secret_hash)
  );
  CREATE TABLE lenslet_account_links (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    user_id INTEGER,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (dataset, hash),
    -- MATCH SIMPLE: a setup link (user_id NULL) references no one.
    FOREIGN KEY (dataset, user_id) REFERENCES lenslet_users (dataset, id) ON DELETE CASCADE
  );
  CREATE TABLE lenslet_account_audit (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    id BIGINT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT,
    subject TEXT,
    address TEXT,
    detail TEXT,
    PRIMARY KEY (dataset, id)
  );
  CREATE TABLE lenslet_account_settings (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (dataset, key)
  );
  `,
];
