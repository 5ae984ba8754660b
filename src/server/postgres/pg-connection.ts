import type pg from 'pg';
import { storeError } from './pg-errors.js';

let pgLoading: Promise<typeof pg> | undefined;
/** The driver loads with the first connection: a server without `--store` never needs it. */
const loadPg = (): Promise<typeof pg> => (pgLoading ??= import('pg').then((m) => m.default));

export interface PgConnectionOptions {
  /** `postgres://user@host:5432/db` (`--store`, `LENSLET_STORE_URL`). */
  url: string;
  /** The dataset this server serves (`--dataset-id`): every row a store writes carries its key. */
  datasetId: string;
  /** Pool size. Default 10. */
  max?: number;
  /** How long a query may wait for a pooled connection before the call fails as unavailable. Default 5 s. */
  connectionTimeoutMillis?: number;
}

export type PgState = 'connected' | 'unavailable';

/**
 * Migrations every component shares: the datasets one database holds. `last_event_id` is the
 * dataset's event clock: a writing transaction takes its ids by updating that row, which holds the
 * row lock until commit, so event ids become visible strictly in id order (a sequence would hand
 * out ids that commit out of order, and a reader past N could later find an event below N).
 */
const CORE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE lenslet_datasets (
    key SERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    last_event_id BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  `,
];

/** One lock for every schema change, so servers starting at once migrate one after the other. */
const MIGRATION_LOCK = 7_141_617; // arbitrary, fixed: pg_advisory_xact_lock key

/**
 * One PostgreSQL database shared by every component of a server (labels, accounts, smart folders,
 * presence): a pool, numbered migrations per component, transactions, LISTEN/NOTIFY, and the
 * dataset's key. Database errors that mean "down right now" come out as `store_unavailable`.
 */
export class PgConnection {
  private lastState: PgState = 'connected';
  private readonly listeners = new Set<PgListener>();
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly options: PgConnectionOptions,
    /** The dataset's integer key (`lenslet_datasets.key`), in every table's primary key. */
    readonly dataset: number,
  ) {}

  /** Connects, runs the core migrations and registers the dataset (both safe when servers start at once). */
  static async open(options: PgConnectionOptions): Promise<PgConnection> {
    const { Pool } = await loadPg();
    const pool = new Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
      // A pooled connection whose server went away is dropped, not handed out again.
      idleTimeoutMillis: 30_000,
    });
    // An idle client's error (the server restarted) must not crash the process: the pool drops it.
    pool.on('error', () => undefined);
    try {
      await migrate(pool, 'core', CORE_MIGRATIONS);
      const found = await pool.query<{ key: number }>(
        `INSERT INTO lenslet_datasets (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id RETURNING key`,
        [options.datasetId],
      );
      return new PgConnection(pool, options, found.rows[0]!.key);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  get datasetId(): string {
    return this.options.datasetId;
  }

  /** The URL without its password, for /health and log lines. */
  get location(): string {
    return redactUrl(this.options.url);
  }

  /** Whether the last call reached the database. */
  get state(): PgState {
    return this.lastState;
  }

  /** Runs a component's numbered steps that have not run yet, each in its own transaction, under one lock. */
  async migrate(component: string, steps: readonly string[]): Promise<void> {
    await this.track(() => migrate(this.pool, component, steps));
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.track(() => this.pool.query<R>(text as string, values));
  }

  /**
   * BEGIN … COMMIT on one pooled client; ROLLBACK when `fn` throws. Resolves only after COMMIT, so
   * an answer built from it is durable (PostgreSQL's default `synchronous_commit = on`).
   */
  async tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.track(async () => {
      const client = await this.pool.connect();
      let broken = false;
      // A checked-out client has no 'error' listener of the pool's: a connection lost mid-
      // transaction would otherwise be an uncaught exception. The query in flight rejects anyway.
      const lost = () => {
        broken = true;
      };
      client.on('error', lost);
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.removeListener('error', lost);
        client.release(broken);
      }
    });
  }

  /**
   * LISTENs on `channel` on a connection of its own. When that connection drops it reconnects
   * (backing off up to 2 s) and calls `onReconnect` once listening again, so the caller catches up
   * on what it may have missed meanwhile (notifications are only a wake-up; tables are the truth).
   */
  async listen(channel: string, onNotify: (payload: string) => void, onReconnect: () => void = () => {}): Promise<() => Promise<void>> {
    const listener = new PgListener(this.options.url, channel, onNotify, onReconnect);
    this.listeners.add(listener);
    await listener.start();
    return async () => {
      this.listeners.delete(listener);
      await listener.stop();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.listeners].map((l) => l.stop()));
    this.listeners.clear();
    await this.pool.end().catch(() => undefined);
  }

  private async track<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.lastState = 'connected';
      return result;
    } catch (error) {
      const mapped = storeError(error);
      if (mapped !== error) this.lastState = 'unavailable';
      throw mapped;
    }
  }
}

/** `SELECT pg_notify(channel, payload)` inside a transaction: delivered on COMMIT, dropped on ROLLBACK. */
export async function notify(client: pg.ClientBase, channel: string, payload: string): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

async function migrate(pool: pg.Pool, component: string, steps: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS lenslet_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    const found = await client.query<{ version: number }>('SELECT version FROM lenslet_migrations WHERE component = $1', [component]);
    const done = found.rows[0]?.version ?? 0;
    if (done > steps.length) throw new Error(`the database's ${component} schema (${done}) is newer than this Lenslet (${steps.length}): upgrade Lenslet`);
    for (let step = done; step < steps.length; step++) await client.query(steps[step]!);
    await client.query(
      'INSERT INTO lenslet_migrations (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version',
      [component, steps.length],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private backoffMs = 100;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
    private readonly onReconnect: () => void,
  ) {}

  /**
   * Listens, or, when the first attempt fails (the database went away between the pool's check and
   * this connection), keeps trying in the background as after a lost connection: `onReconnect`
   * then tells the caller to catch up. The poll the callers keep covers the gap.
   */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch {
      this.schedule();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const pg = await loadPg();
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onNotify(message.payload ?? '');
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      this.schedule();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoffMs = 100;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      this.connect().then(
        () => {
          if (!this.stopped) this.onReconnect();
        },
        () => {
          this.backoffMs = Math.min(2000, this.backoffMs * 2);
          this.schedule();
        },
      );
    }, this.backoffMs);
    this.retry.unref();
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
