import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeFeed, FeedEvent } from './change-feed.js';

/** Where replay reads from: the durable event log (a LabelStore satisfies this). */
export interface EventLog {
  changesSince(afterId: number, limit: number): Promise<{ events: { id: number; type: string; data: unknown }[]; reset: boolean }>;
  currentEventId(): Promise<number>;
}

export interface SseHubOptions {
  log: EventLog;
  feed: ChangeFeed;
  /** Comment heartbeat interval. Default 15 s. */
  heartbeatMs?: number;
  /** A client with more unsent bytes than this is disconnected; it reconnects and replays. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Live events held for a client while its replay runs; past this it is disconnected. Default 10,000. */
  maxPendingEvents?: number;
}

const REPLAY_PAGE = 500;
/** The reconnect delay suggested to EventSource. */
const RETRY_MS = 1000;

interface Client {
  res: ServerResponse;
  /** Live events that arrived while the replay was running; sent once it ends. */
  pending: FeedEvent[] | null;
  /** Highest durable event id this client has been sent (or told about). */
  lastId: number;
  corked: boolean;
}

/**
 * Fan-out of the change feed to SSE clients. Durable events go out with `id: <event id>`;
 * ephemeral ones (presence, metrics-progress) go out without an `id:` line, so EventSource keeps
 * the last durable id for `Last-Event-ID`. Nothing is ever silently skipped: a client that falls
 * too far behind is disconnected and catches up by replaying from the log when it reconnects.
 */
export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly maxBufferedBytes: number;
  private readonly maxPendingEvents: number;
  private headId = 0;
  /** Clients dropped for not reading fast enough (LE5). */
  readonly stats = { disconnected_slow: 0 };

  private constructor(private readonly options: SseHubOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.maxPendingEvents = options.maxPendingEvents ?? 10_000;
    this.unsubscribe = options.feed.subscribe((event) => this.broadcast(event));
    this.heartbeat = setInterval(() => this.sendHeartbeat(), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  static async create(options: SseHubOptions): Promise<SseHub> {
    const hub = new SseHub(options);
    hub.headId = Math.max(hub.headId, await options.log.currentEventId());
    return hub;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Takes over a raw HTTP response as an event stream. With `lastEventId`, first replays every
   * durable event after it (or sends `resync` when the log no longer has them).
   */
  attach(req: IncomingMessage, res: ServerResponse, lastEventId: number | null | 'invalid'): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client: Client = { res, pending: null, lastId: this.headId, corked: false };
    this.clients.add(client);
    const drop = () => this.clients.delete(client);
    req.on('close', drop);
    res.on('close', drop);
    res.on('error', drop);
    this.write(client, `retry: ${RETRY_MS}\n: connected\n\n`);
    if (lastEventId === null) {
      // Tell EventSource where it starts, so a reconnect resumes from here even if nothing happened.
      this.write(client, `id: ${client.lastId}\n\n`);
      return;
    }
    client.pending = [];
    client.lastId = lastEventId === 'invalid' ? 0 : lastEventId;
    void this.replay(client, lastEventId).catch((error: unknown) => {
      console.error('SSE replay failed', error);
      res.destroy();
    });
  }

  /** Sends a comment to every client: keeps proxies from closing idle streams and detects dead peers. */
  sendHeartbeat(): void {
    for (const client of this.clients) this.write(client, ': ping\n\n');
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private broadcast(event: FeedEvent): void {
    if (event.id !== null) this.headId = Math.max(this.headId, event.id);
    for (const client of this.clients) {
      if (client.pending) {
        client.pending.push(event);
        if (client.pending.length > this.maxPendingEvents) this.disconnectSlow(client);
      } else {
        this.deliver(client, event);
      }
    }
  }

  private async replay(client: Client, from: number | 'invalid'): Promise<void> {
    let cursor = from === 'invalid' ? -1 : from;
    for (;;) {
      const page = cursor < 0 ? { events: [], reset: true } : await this.options.log.changesSince(cursor, REPLAY_PAGE);
      if (!this.clients.has(client)) return;
      if (page.reset) {
        // The missed events are gone (compacted, another database, a restarted memory store):
        // the client must refetch. Its position becomes the head, sent as this event's id.
        const head = Math.max(this.headId, await this.options.log.currentEventId());
        const reason = from === 'invalid' ? 'invalid_last_event_id' : 'events_unavailable';
        this.write(client, frame('resync', JSON.stringify({ reason, last_event_id: head }), head));
        client.lastId = head;
        break;
      }
      for (const e of page.events) {
        this.deliver(client, { id: e.id, type: e.type as FeedEvent['type'], data: e.data });
        // A replay can be far larger than the buffer bound: pace it by the client's reading.
        if (client.res.writableLength > this.maxBufferedBytes / 2) await drained(client.res);
        if (!this.clients.has(client)) return;
      }
      if (page.events.length > 0) cursor = page.events[page.events.length - 1]!.id;
      if (page.events.length < REPLAY_PAGE) break;
    }
    if (client.lastId < cursor) client.lastId = cursor;
    const pending = client.pending ?? [];
    client.pending = null;
    for (const event of pending) this.deliver(client, event);
  }

  private deliver(client: Client, event: FeedEvent): void {
    if (event.id !== null) {
      if (event.id <= client.lastId) return; // already sent by the replay
      client.lastId = event.id;
    }
    this.write(client, frame(event.type, JSON.stringify(event.data), event.id));
  }

  private write(client: Client, chunk: string): void {
    const { res } = client;
    if (res.destroyed || res.writableEnded) return;
    if (!client.corked) {
      // A group commit publishes its events in one go: send them in one write per client, not one each.
      client.corked = true;
      res.cork();
      process.nextTick(() => {
        client.corked = false;
        res.uncork();
      });
    }
    res.write(chunk);
    // write() never blocks; what the peer has not read piles up here. Bound it.
    if (res.writableLength > this.maxBufferedBytes) this.disconnectSlow(client);
  }

  private disconnectSlow(client: Client): void {
    this.stats.disconnected_slow++;
    this.clients.delete(client);
    client.res.destroy();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function frame(type: string, data: string, id: number | null): string {
  return id === null ? `event: ${type}\ndata: ${data}\n\n` : `event: ${type}\nid: ${id}\ndata: ${data}\n\n`;
}
