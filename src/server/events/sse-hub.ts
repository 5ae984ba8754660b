import type { IncomingMessage, ServerResponse } from 'node:http';
import { localPrincipal, type Principal } from '../accounts/principal.js';
import { Limiter } from '../lib/limiter.js';
import type { ChangeFeed, FeedEvent } from './change-feed.js';
import { type EventLog, ReplayPages } from './replay-pages.js';
import { drained, frame, type Frame } from './sse-frames.js';

export type { EventLog };

export interface SseLimits {
  /** A client with more unsent bytes than this is disconnected; it reconnects and replays. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Live events held for a client while its replay runs; past this it is disconnected. Default 10,000. */
  maxPendingEvents?: number;
  /** Events one replay may send; a client further behind gets `resync` (refetch) instead. Default 10,000. */
  maxReplayEvents?: number;
  /** Bytes one replay may send; past them the client gets `resync` instead of the rest. Default 16 MiB. */
  maxReplayBytes?: number;
  /** Replays reading the log at once; the others wait their turn. Default 4. */
  replayConcurrency?: number;
  /** Replays waiting for a turn; a stream asking for one more is refused. Default 200. */
  maxQueuedReplays?: number;
  /** A replay waiting this long for its client to read is ended with the client (it frees its turn). Default 10 s. */
  replayStallMs?: number;
  /** Open streams per client (its client id, else its address). Default 16. */
  maxStreamsPerClient?: number;
  /** Open streams in all. Default 1,000. */
  maxStreams?: number;
}

export interface SseHubOptions extends SseLimits {
  log: EventLog;
  feed: ChangeFeed;
  /** Comment heartbeat interval. Default 15 s. */
  heartbeatMs?: number;
}

export interface AttachOptions {
  /** Who the stream belongs to, for the per-client cap (see `admit`). */
  key: string;
  /** Which galleries' presence this stream gets; all when absent (the spec's unscoped stream). */
  accepts?: (gallery: string) => boolean;
  /** Who the stream belongs to: events with an `audience` reach it only if this passes. Default: the local user. */
  principal?: Principal;
}

const LOCAL = localPrincipal('local');

/** Events read from the log per page: a page is held in memory while it is sent, and read in one go. */
const REPLAY_PAGE = 50;
/** Serialised replay pages kept for the next replay of the same range. */
const REPLAY_CACHE_BYTES = 32 * 1024 * 1024;
/** The reconnect delay suggested to EventSource. */
const RETRY_MS = 1000;

interface Client {
  res: ServerResponse;
  key: string;
  accepts: ((gallery: string) => boolean) | undefined;
  principal: Principal;
  /** Live events that arrived while the replay was running; sent once it ends. */
  pending: Frame[] | null;
  /** Highest durable event id this client has been sent (or told about). */
  lastId: number;
  corked: boolean;
}

/**
 * Fan-out of the change feed to SSE clients. Durable events go out with `id: <event id>`;
 * ephemeral ones (presence, metrics-progress) go out without an `id:` line, so EventSource keeps
 * the last durable id for `Last-Event-ID`. Nothing is ever silently skipped: a client that falls
 * too far behind is disconnected and catches up by replaying from the log when it reconnects, and
 * a replay too large to send is replaced by `resync` (refetch everything).
 *
 * One client must not cost everyone: an event is serialised once for all clients, replays take
 * turns and are bounded in events and bytes, and streams are capped per client and in all.
 */
export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly perKey = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly limits: Required<SseLimits>;
  private readonly replays: Limiter;
  private readonly pages: ReplayPages;
  private headId = 0;
  /** Clients dropped for not reading fast enough (LE5), and replays answered with `resync` for size. */
  readonly stats = { disconnected_slow: 0, replays_too_large: 0 };

  private constructor(private readonly options: SseHubOptions) {
    this.limits = {
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      maxPendingEvents: options.maxPendingEvents ?? 10_000,
      maxReplayEvents: options.maxReplayEvents ?? 10_000,
      maxReplayBytes: options.maxReplayBytes ?? 16 * 1024 * 1024,
      replayConcurrency: options.replayConcurrency ?? 4,
      maxQueuedReplays: options.maxQueuedReplays ?? 200,
      replayStallMs: options.replayStallMs ?? 10_000,
      maxStreamsPerClient: options.maxStreamsPerClient ?? 16,
      maxStreams: options.maxStreams ?? 1000,
    };
    this.replays = new Limiter(this.limits.replayConcurrency);
    this.pages = new ReplayPages(options.log, REPLAY_PAGE, REPLAY_CACHE_BYTES);
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

  /** Replays running and waiting. */
  get replayLoad(): { active: number; queued: number } {
    return { active: this.replays.active, queued: this.replays.pending };
  }

  /** Why a new stream for `key` must be refused now (the caller answers 429 with Retry-After), or null. */
  admit(key: string, replay: boolean): string | null {
    if (this.clients.size >= this.limits.maxStreams) return `the server has ${this.limits.maxStreams} event streams open`;
    if ((this.perKey.get(key) ?? 0) >= this.limits.maxStreamsPerClient) {
      return `this client has ${this.limits.maxStreamsPerClient} event streams open`;
    }
    if (replay && this.replays.pending >= this.limits.maxQueuedReplays) return 'too many event replays are waiting';
    return null;
  }

  /**
   * Takes over a raw HTTP response as an event stream. With `lastEventId`, first replays every
   * durable event after it (or sends `resync` when the log no longer has them, or they are too many).
   */
  attach(req: IncomingMessage, res: ServerResponse, lastEventId: number | null | 'invalid', options: AttachOptions): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A stream is idle by design between events; its own heartbeat finds dead peers instead.
    res.socket?.setTimeout(0);
    res.socket?.setNoDelay(true);
    const client: Client = {
      res,
      key: options.key,
      accepts: options.accepts,
      principal: options.principal ?? LOCAL,
      pending: null,
      lastId: this.headId,
      corked: false,
    };
    this.clients.add(client);
    this.perKey.set(client.key, (this.perKey.get(client.key) ?? 0) + 1);
    const drop = () => this.detach(client);
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

  /** The principals of the open streams (each once). */
  principals(): Set<Principal> {
    return new Set([...this.clients].map((c) => c.principal));
  }

  /**
   * Ends the streams whose principal no longer holds (a removed user, a revoked token, a session
   * signed out, a changed role). Their EventSource reconnects, and the access check answers it.
   */
  closeWhere(ended: (principal: Principal) => boolean): number {
    let closed = 0;
    for (const client of this.clients) {
      if (!ended(client.principal)) continue;
      this.detach(client);
      client.res.destroy();
      closed++;
    }
    return closed;
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const client of this.clients) client.res.end();
    this.clients.clear();
    this.perKey.clear();
  }

  private detach(client: Client): void {
    if (!this.clients.delete(client)) return;
    const left = (this.perKey.get(client.key) ?? 1) - 1;
    if (left > 0) this.perKey.set(client.key, left);
    else this.perKey.delete(client.key);
  }

  private broadcast(event: FeedEvent): void {
    if (event.id !== null) this.headId = Math.max(this.headId, event.id);
    // Nobody to serialise it for (a server whose only clients write, as API workers do).
    if (this.clients.size === 0) return;
    // Serialised once, whatever the number of clients: each gets the same string.
    const prepared = frame(event.type, event.data, event.id);
    for (const client of this.clients) {
      if (event.gallery !== undefined && client.accepts && !client.accepts(event.gallery)) continue;
      if (event.audience && !event.audience(client.principal)) continue;
      if (client.pending) {
        client.pending.push(prepared);
        if (client.pending.length > this.limits.maxPendingEvents) this.disconnectSlow(client);
      } else {
        this.deliver(client, prepared);
      }
    }
  }

  private async replay(client: Client, from: number | 'invalid'): Promise<void> {
    if (from === 'invalid') return this.endReplay(client, 'invalid_last_event_id');
    await this.replays.run(async () => {
      if (this.clients.has(client)) await this.replayLog(client, from);
    });
  }

  /**
   * Reads the whole backlog first (shared pages, so cheap), and only then sends it: a backlog past
   * the bounds gets `resync` before a single byte of it goes out, rather than after 16 MiB of it.
   * At most `replayConcurrency` backlogs of `maxReplayBytes` are held at once.
   */
  private async replayLog(client: Client, from: number): Promise<void> {
    const backlog: Frame[][] = [];
    let cursor = from;
    let events = 0;
    let bytes = 0;
    for (;;) {
      const page = await this.pages.read(cursor);
      if (!this.clients.has(client)) return;
      // The missed events are gone (compacted, another database, a restarted memory store).
      if (page.reset) return this.endReplay(client, 'events_unavailable');
      // Ids count events, so the distance to the head bounds the backlog without reading it all.
      if (cursor === from && this.headId - from > this.limits.maxReplayEvents) return this.endReplay(client, 'backlog_too_large');
      for (const prepared of page.frames) bytes += prepared.bytes;
      events += page.frames.length;
      if (events > this.limits.maxReplayEvents || bytes > this.limits.maxReplayBytes) return this.endReplay(client, 'backlog_too_large');
      backlog.push(page.frames);
      if (page.frames.length > 0) cursor = page.frames[page.frames.length - 1]!.id!;
      if (page.frames.length < REPLAY_PAGE) break;
    }
    for (const frames of backlog) {
      for (const prepared of frames) {
        this.deliver(client, prepared);
        // A replay can be far larger than the buffer bound: pace it by the client's reading.
        if (client.res.writableLength > this.limits.maxBufferedBytes / 2 && !(await drained(client.res, this.limits.replayStallMs))) {
          this.disconnectSlow(client);
        }
        if (!this.clients.has(client)) return;
      }
    }
    if (client.lastId < cursor) client.lastId = cursor;
    this.flushPending(client);
  }

  /**
   * Ends a replay with `resync`: the client must refetch. Its position becomes the head, sent as
   * this event's id, so held live events up to it are not sent twice.
   */
  private async endReplay(client: Client, reason: 'invalid_last_event_id' | 'events_unavailable' | 'backlog_too_large'): Promise<void> {
    if (reason === 'backlog_too_large') this.stats.replays_too_large++;
    const head = Math.max(this.headId, await this.options.log.currentEventId());
    if (!this.clients.has(client)) return;
    this.write(client, frame('resync', { reason, last_event_id: head }, head).text);
    client.lastId = head;
    this.flushPending(client);
  }

  private flushPending(client: Client): void {
    const pending = client.pending ?? [];
    client.pending = null;
    for (const event of pending) this.deliver(client, event);
  }

  private deliver(client: Client, event: Frame): void {
    if (event.id !== null) {
      if (event.id <= client.lastId) return; // already sent by the replay
      client.lastId = event.id;
    }
    this.write(client, event.text);
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
    if (res.writableLength > this.limits.maxBufferedBytes) this.disconnectSlow(client);
  }

  private disconnectSlow(client: Client): void {
    if (!this.clients.has(client)) return;
    this.stats.disconnected_slow++;
    this.detach(client);
    client.res.destroy();
  }
}
