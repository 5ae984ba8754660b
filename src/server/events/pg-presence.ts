import { randomUUID } from 'node:crypto';
import type { PgConnection } from '../postgres/pg-connection.js';
import type { PresenceStatus, PresenceTracker, SharedEntry } from './presence.js';

/**
 * Each server's presence entries, one row per entry, keyed by the server that holds them.
 * `last_seen` is the entry's last heartbeat (ms since the epoch), so the entries of a server that
 * died expire after the TTL exactly like stale heartbeats, with nobody having to clean up for it.
 */
export const PRESENCE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE lenslet_presence (
    dataset INTEGER NOT NULL REFERENCES lenslet_datasets (key),
    server TEXT NOT NULL,
    client_key TEXT NOT NULL,
    client_id TEXT NOT NULL,
    gallery TEXT NOT NULL,
    status TEXT NOT NULL,
    name TEXT,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (dataset, server, client_key)
  );
  CREATE INDEX lenslet_presence_seen ON lenslet_presence (dataset, last_seen);
  `,
  // 2: the item a client has open (issue 14, soft claims).
  `ALTER TABLE lenslet_presence ADD COLUMN item TEXT;`,
];

export interface PresenceShareOptions {
  db: PgConnection;
  tracker: PresenceTracker;
  /** The tracker's TTL: older rows are not read. Default 15 s. */
  ttlMs?: number;
  /** How often this server's entries are written and the others' read. Default 500 ms. */
  intervalMs?: number;
  /** Default: a random id per process. */
  serverId?: string;
  now?: () => number;
  /** Where losing and regaining the database is reported, once each. Default: a process warning. */
  log?: (message: string) => void;
}

/** Rows long past the TTL (servers that died) are deleted now and then, by whichever server is alive. */
const GC_EVERY_SYNCS = 60;

/**
 * Shares a server's presence with the other servers of its dataset through PostgreSQL: about
 * every 500 ms it writes what changed in its own entries and reads the others' live ones into the
 * tracker (`setRemote`). When the database is down, presence keeps working locally (the others'
 * entries expire by their TTL) and sharing resumes, from a full rewrite, when it is back.
 */
export class PresenceShare {
  readonly serverId: string;
  private readonly written = new Map<string, string>();
  /** Rewrite every row of this server: at start and after a failure, when what was written is unknown. */
  private full = true;
  private failing = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private syncs = 0;
  private stopped = false;

  private constructor(private readonly options: PresenceShareOptions) {
    this.serverId = options.serverId ?? randomUUID();
  }

  static async start(options: PresenceShareOptions): Promise<PresenceShare> {
    await options.db.migrate('presence', PRESENCE_MIGRATIONS);
    const share = new PresenceShare(options);
    await share.sync();
    share.timer = setInterval(() => void share.sync(), options.intervalMs ?? 500);
    share.timer.unref();
    return share;
  }

  /** Writes this server's changes and reads the others' entries; never throws. */
  sync(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // One at a time: with the database down a call can wait seconds for a connection.
    this.running ??= this.syncOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Stops sharing. `keepRows`: leave this server's rows behind, as a server that died does
   * (tests); otherwise they are deleted so the others stop counting them at once.
   */
  async stop(options: { keepRows?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (options.keepRows) return;
    const { db } = this.options;
    await db.query('DELETE FROM lenslet_presence WHERE dataset = $1 AND server = $2', [db.dataset, this.serverId]).catch(() => undefined);
  }

  private async syncOnce(): Promise<void> {
    const { db, tracker } = this.options;
    try {
      await this.write(tracker.sharedEntries());
      const cutoff = this.now() - (this.options.ttlMs ?? 15_000);
      const others = await db.query<{ client_key: string; client_id: string; gallery: string; status: string; name: string | null; item: string | null; last_seen: string }>(
        'SELECT client_key, client_id, gallery, status, name, item, last_seen FROM lenslet_presence WHERE dataset = $1 AND server <> $2 AND last_seen > $3',
        [db.dataset, this.serverId, cutoff],
      );
      if (this.stopped) return;
      tracker.setRemote(others.rows.map((r) => ({ key: r.client_key, clientId: r.client_id, gallery: r.gallery, status: r.status as PresenceStatus | 'left', name: r.name, item: r.item, lastSeen: Number(r.last_seen) })));
      if (++this.syncs % GC_EVERY_SYNCS === 0) {
        await db.query('DELETE FROM lenslet_presence WHERE dataset = $1 AND last_seen < $2', [db.dataset, cutoff - 4 * (this.options.ttlMs ?? 15_000)]);
      }
      if (this.failing) this.log('presence: the database is back; sharing presence with the other servers again');
      this.failing = false;
    } catch (error) {
      this.full = true;
      if (!this.failing) this.log(`presence: cannot reach the database (${(error as Error).message}); counting this server's clients only until it is back`);
      this.failing = true;
    }
  }

  /** Upserts the entries that changed since the last write and deletes the ones that are gone, in one transaction. */
  private async write(entries: readonly SharedEntry[]): Promise<void> {
    const { db } = this.options;
    const now = new Map(entries.map((e) => [e.key, JSON.stringify([e.clientId, e.gallery, e.status, e.name, e.item, e.lastSeen])]));
    const changed = this.full ? [...entries] : entries.filter((e) => this.written.get(e.key) !== now.get(e.key));
    const gone = this.full ? [] : [...this.written.keys()].filter((key) => !now.has(key));
    if (!this.full && changed.length === 0 && gone.length === 0) return;
    await db.tx(async (client) => {
      if (this.full) await client.query('DELETE FROM lenslet_presence WHERE dataset = $1 AND server = $2', [db.dataset, this.serverId]);
      else if (gone.length > 0) {
        await client.query('DELETE FROM lenslet_presence WHERE dataset = $1 AND server = $2 AND client_key = ANY($3::text[])', [db.dataset, this.serverId, gone]);
      }
      if (changed.length === 0) return;
      await client.query(
        `INSERT INTO lenslet_presence (dataset, server, client_key, client_id, gallery, status, name, last_seen, item)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[])
         ON CONFLICT (dataset, server, client_key) DO UPDATE SET client_id = EXCLUDED.client_id, gallery = EXCLUDED.gallery,
           status = EXCLUDED.status, name = EXCLUDED.name, last_seen = EXCLUDED.last_seen, item = EXCLUDED.item`,
        [
          db.dataset,
          this.serverId,
          changed.map((e) => e.key),
          changed.map((e) => e.clientId),
          changed.map((e) => e.gallery),
          changed.map((e) => e.status),
          changed.map((e) => e.name),
          changed.map((e) => e.lastSeen),
          changed.map((e) => e.item),
        ],
      );
    });
    this.written.clear();
    for (const [key, text] of now) this.written.set(key, text);
    this.full = false;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => process.emitWarning(m)))(message);
  }
}
