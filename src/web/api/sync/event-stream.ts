import { EVENT_NAMES, serverEventSchema, type ServerEvent } from '../../../protocol/events.js';
import { backoffDelay } from '../../lib/backoff.js';
import type { Clock } from './write-queue.js';

/** The part of the browser's EventSource this client uses. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onerror: ((ev: Event) => void) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface EventStreamOptions {
  url: string;
  create: (url: string) => EventSourceLike;
  clock: Clock;
  onEvent: (event: ServerEvent, id: number | null) => void;
  onStatus?: (status: ConnectionStatus) => void;
  /** The stream failed (an EventSource cannot tell why: a 401 looks like a network error). */
  onError?: () => void;
  /** Refetch everything: on a `resync` event, or after a gap the server could not replay. */
  onResync?: () => void;
  /**
   * The stream is back after a drop, resuming from the last event id. Only label events are
   * replayed: what the server announces once (files added, removed, rewritten) must be refetched.
   */
  onReconnect?: () => void;
  /** One light refresh of what is on screen, while the stream is down. */
  poll?: () => void;
  isOnline?: () => boolean;
  random?: () => number;
  /** Start polling once the stream has been down this long. */
  pollAfterMs?: number;
  pollEveryMs?: number;
  /** Call it "Offline" (rather than "Reconnecting…") after this long down. */
  offlineAfterMs?: number;
}

/**
 * One EventSource on `/events`, owned end to end: on any error it is closed and recreated with a
 * jittered backoff and `?last_event_id=` (the browser's own retry would keep a stale URL, and
 * stops for good after an HTTP error, leaving the stream stuck CLOSED). While it is down for
 * long, `poll` runs on a jittered interval so many tabs don't refresh in step; it stops when the
 * stream is back.
 */
export class EventStream {
  private es: EventSourceLike | null = null;
  private lastId: number | null = null;
  private failures = 0;
  private everLive = false;
  private downSince: number | null = null;
  private status: ConnectionStatus = 'connecting';
  private reconnectTimer: unknown = null;
  private pollTimer: unknown = null;
  private statusTimer: unknown = null;
  private polling = false;
  private stopped = true;

  constructor(private readonly o: EventStreamOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.es?.close();
    this.es = null;
    this.stopPolling();
    for (const t of [this.reconnectTimer, this.statusTimer]) if (t !== null) this.o.clock.clearTimeout(t);
    this.reconnectTimer = this.statusTimer = null;
  }

  /** The browser came back online: don't wait for the backoff. */
  reconnectNow(): void {
    if (this.stopped || this.status === 'live') return;
    if (this.reconnectTimer !== null) this.o.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.failures = 0;
    this.open();
  }

  /**
   * The browser says it went offline: an open stream is most likely dead without knowing it yet
   * (no FIN arrives when the network drops), so drop it and go through the reconnect path.
   */
  wentOffline(): void {
    if (this.stopped) return;
    this.es?.close();
    this.es = null;
    if (this.reconnectTimer === null) this.failed();
    this.setStatus('offline');
  }

  get lastEventId(): number | null {
    return this.lastId;
  }

  get isPolling(): boolean {
    return this.polling;
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  private open(): void {
    this.es?.close();
    const url = this.lastId !== null ? `${this.o.url}${this.o.url.includes('?') ? '&' : '?'}last_event_id=${this.lastId}` : this.o.url;
    let es: EventSourceLike;
    try {
      es = this.o.create(url);
    } catch {
      this.failed();
      return;
    }
    this.es = es;
    es.onopen = () => {
      if (this.es !== es) return;
      const gapWithoutId = this.everLive && this.lastId === null;
      const wasDown = this.everLive;
      this.everLive = true;
      this.failures = 0;
      this.downSince = null;
      this.stopPolling();
      this.setStatus('live');
      // Without an id the server cannot replay what we missed while down: refetch instead.
      if (gapWithoutId) this.o.onResync?.();
      else if (wasDown) this.o.onReconnect?.();
    };
    es.onerror = () => {
      if (this.es !== es) return;
      es.close();
      this.es = null;
      this.failed();
      this.o.onError?.();
    };
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (ev) => {
        if (this.es !== es) return;
        this.receive(name, ev);
      });
    }
    if (this.downSince === null && this.everLive) this.downSince = this.o.clock.now();
    if (this.status !== 'live' && this.status !== 'offline') this.setStatus(this.everLive ? 'reconnecting' : 'connecting');
  }

  private receive(name: string, ev: MessageEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    const parsed = serverEventSchema.safeParse({ type: name, data });
    const id = /^\d+$/.test(ev.lastEventId) ? Number(ev.lastEventId) : null;
    if (id !== null && (this.lastId === null || id > this.lastId)) this.lastId = id;
    if (!parsed.success) {
      // A server of another protocol version, or a bug: say so once per event, never act on it.
      console.warn(`lenslet: ignored a "${name}" event that does not match the protocol`, parsed.error.issues);
      return;
    }
    this.o.onEvent(parsed.data, id);
    if (parsed.data.type === 'resync') this.o.onResync?.();
  }

  private failed(): void {
    if (this.stopped) return;
    const now = this.o.clock.now();
    if (this.downSince === null) this.downSince = now;
    this.failures++;
    const delay = backoffDelay(this.failures, this.o.random);
    if (this.reconnectTimer !== null) this.o.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.o.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
    this.updateDownStatus();
  }

  /** While down: Reconnecting… → (poll) → Offline, re-checked on a timer so it moves even without events. */
  private updateDownStatus(): void {
    if (this.stopped || this.downSince === null) return;
    const down = this.o.clock.now() - this.downSince;
    const offline = this.o.isOnline?.() === false || down >= (this.o.offlineAfterMs ?? 30_000);
    this.setStatus(offline ? 'offline' : this.everLive ? 'reconnecting' : 'connecting');
    if (down >= (this.o.pollAfterMs ?? 5_000)) this.startPolling();
    if (this.statusTimer !== null) this.o.clock.clearTimeout(this.statusTimer);
    this.statusTimer = this.o.clock.setTimeout(() => {
      this.statusTimer = null;
      this.updateDownStatus();
    }, 1_000);
  }

  private startPolling(): void {
    if (this.polling || !this.o.poll) return;
    this.polling = true;
    const tick = () => {
      if (!this.polling) return;
      this.o.poll?.();
      const every = this.o.pollEveryMs ?? 15_000;
      this.pollTimer = this.o.clock.setTimeout(tick, Math.round(every * (0.8 + 0.4 * (this.o.random ?? Math.random)())));
    };
    tick();
  }

  private stopPolling(): void {
    this.polling = false;
    if (this.pollTimer !== null) this.o.clock.clearTimeout(this.pollTimer);
    if (this.statusTimer !== null) this.o.clock.clearTimeout(this.statusTimer);
    this.pollTimer = this.statusTimer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.o.onStatus?.(status);
  }
}
