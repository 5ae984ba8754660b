import type { ItemMoved, ItemUpdated, ServerEvent } from '../../../protocol/events.js';
import { parentPath } from '../../../protocol/paths.js';
import { Pulses, RecentActivity, type ActivitySummary } from './activity.js';
import { LabelCache, type ItemCacheAdapter } from './cache-patch.js';
import { loadClientId, loadDisplayName, loadPresenceToken, loadTabId, saveDisplayName, type KeyValueStorage } from './client-identity.js';
import { EventStream, type ConnectionStatus, type EventSourceLike } from './event-stream.js';
import type { LabelOps, LabelState } from './label-ops.js';
import { PresenceClient, type PresenceCounts, type PresenceStatus } from './presence-client.js';
import { UndoController } from './undo-controller.js';
import { UndoStack } from './undo-stack.js';
import { WriteQueue, type Clock, type FetchLike } from './write-queue.js';

export interface SyncEngineDeps {
  fetch: FetchLike;
  storage: KeyValueStorage;
  session: KeyValueStorage;
  clock: Clock;
  makeId: () => string;
  createEventSource: (url: string) => EventSourceLike;
  beacon: (path: string, body: unknown) => boolean;
  cache: ItemCacheAdapter;
  /** Refetch every cached query (a `resync`, or a gap the stream could not replay). */
  refetchAll: () => void;
  /** Refresh what is on screen (the polling fallback). */
  pollVisible: () => void;
  /**
   * Files appeared in, vanished from or moved between these folders: refetch the listings that
   * show them, the tree and the counts. Called once per burst (debounced).
   */
  refreshFolders?: (folders: string[]) => void;
  /**
   * The stream came back after a drop. Label events are replayed from the last id, but files
   * added, removed or rewritten meanwhile are not: refetch the listings.
   */
  refetchListings?: () => void;
  /** Makes the grid cell of `path`, if on screen, glow once (someone else changed it). */
  paintPulse?: (path: string) => void;
  /** Someone else changed `path` (after the in-place patch): e.g. refresh filtered lists. */
  onRemoteChange?: (path: string) => void;
  /** Runs a group of cache patches as one notification (TanStack's `notifyManager.batch`). */
  batch?: (fn: () => void) => void;
  /** When a new edit is shown and sent (WriteQueueOptions.afterPaint); at once without it. */
  afterPaint?: (run: () => void) => void;
  isOnline?: () => boolean;
  /**
   * Whether someone is still signed in (false only when the server says nobody is). Asked when the
   * event stream fails, since an EventSource cannot see that its request was answered 401.
   */
  checkSession?: () => Promise<boolean>;
  /**
   * The server's labels of one item (`GET /item`), for an undo step over items this page has not
   * loaded (a reload in another folder); null when it is gone.
   */
  readItem?: (path: string) => Promise<LabelState | null>;
  random?: () => number;
}

export interface EngineState {
  connection: ConnectionStatus;
  presence: PresenceCounts | null;
  progress: { percent: number; message: string } | null;
  activity: ActivitySummary;
  displayName: string;
  /** The session ended (a write or the stream was refused 401): sign in, then `signedIn()`. */
  signedOut: boolean;
}

/** How long after the last edit this tab still counts as "editing" in presence. */
export const EDITING_HOLD_MS = 20_000;
const PROGRESS_STALE_MS = 60_000;
/** A watcher burst (a folder copied in, a tree deleted) becomes one refetch, at most this long after its first event. */
export const FOLDER_REFRESH_MS = 250;

/**
 * Wires the sync pieces together, React-free: the write queue, the cache patcher, the event
 * stream, presence and recent activity. The React provider only supplies browser objects.
 */
export class SyncEngine {
  readonly clientId: string;
  readonly tabId: string;
  readonly queue: WriteQueue;
  readonly labels: LabelCache;
  readonly stream: EventStream;
  readonly presence: PresenceClient;
  /** This tab's undo and redo steps (persisted per tab, like the write queue). */
  readonly undoStack: UndoStack;
  readonly undo: UndoController;
  private readonly activity = new RecentActivity();
  private readonly pulses = new Pulses();
  private readonly listeners = new Set<() => void>();
  private checkingSession = false;
  private readonly eventListeners = new Set<(e: ServerEvent, id: number | null) => void>();
  private readonly missingListeners = new Set<(path: string) => void>();
  private readonly editListeners = new Set<(paths: readonly string[]) => void>();
  private state: EngineState;
  private gallery: string | null = null;
  private lastEditAt = -Infinity;
  private activityTimer: unknown = null;
  private progressTimer: unknown = null;
  private incoming: ItemUpdated[] = [];
  private flushTimer: unknown = null;
  private emitTimer: unknown = null;
  private readonly changedFolders = new Set<string>();
  private foldersTimer: unknown = null;

  constructor(private readonly d: SyncEngineDeps) {
    this.clientId = loadClientId(d.storage, d.makeId);
    this.tabId = loadTabId(d.session, d.makeId);
    let labels: LabelCache | null = null;
    this.queue = new WriteQueue({
      fetch: d.fetch,
      storage: d.storage,
      clock: d.clock,
      clientId: this.clientId,
      tabId: this.tabId,
      getUser: () => this.state.displayName,
      getBase: (p) => labels!.serverState(p),
      onServerState: (p, s) => labels!.receive(p, s),
      onPathChange: (p) => labels!.render(p),
      onMissing: (p) => {
        for (const l of [...this.missingListeners]) l(p);
      },
      onUnauthenticated: () => this.sessionEnded(),
      afterPaint: d.afterPaint,
      random: d.random,
    });
    labels = this.labels = new LabelCache(d.cache, (p) => this.queue.pendingOps(p));
    this.undoStack = new UndoStack(d.storage, d.clock, this.tabId);
    this.undo = new UndoController({
      stack: this.undoStack,
      queue: this.queue,
      shown: (p) => this.labels.shown(p),
      load: (paths) => this.loadItems(paths),
      onQueued: (paths) => this.edited(paths),
    });
    // Per tab: two tabs are two viewers; a reload keeps the id, so it re-joins as itself.
    const presenceId = `${this.clientId}.${this.tabId}`;
    this.stream = new EventStream({
      // The server sends this stream the presence of the folder this presence client is in.
      url: `/events?client_id=${encodeURIComponent(presenceId)}`,
      create: d.createEventSource,
      clock: d.clock,
      onEvent: (e, id) => {
        this.handle(e);
        for (const l of [...this.eventListeners]) l(e, id);
      },
      onStatus: (connection) => this.set({ connection }),
      onError: () => this.streamFailed(),
      onResync: () => d.refetchAll(),
      onReconnect: () => d.refetchListings?.(),
      poll: () => d.pollVisible(),
      isOnline: d.isOnline,
      random: d.random,
    });
    this.presence = new PresenceClient({
      clock: d.clock,
      clientId: presenceId,
      token: loadPresenceToken(d.session, d.makeId),
      post: (path, body) => postJson(d.fetch, path, body),
      beacon: d.beacon,
      getStatus: () => this.presenceStatus(),
      // Without sign-in the name the person typed is who presence lists; signed in, the server uses the account's.
      getName: () => this.state.displayName,
      onCounts: (counts) => this.gotCounts(counts),
      random: d.random,
    });
    this.queue.subscribe(() => this.presence.statusChanged());
    this.state = {
      connection: 'connecting',
      presence: null,
      progress: null,
      activity: this.activity.summary(d.clock.now()),
      displayName: loadDisplayName(d.storage),
      signedOut: false,
    };
  }

  start(): void {
    this.undoStack.dropOrphans();
    this.queue.start();
    this.stream.start();
  }

  stop(): void {
    this.queue.stop();
    this.stream.stop();
    this.presence.stop();
    for (const t of [this.activityTimer, this.progressTimer, this.flushTimer, this.emitTimer, this.foldersTimer]) if (t !== null) this.d.clock.clearTimeout(t);
  }

  /**
   * Signed in again after the session ended: the queued edits go out (under the keys they had),
   * the stream reopens from the last event it saw, and this tab rejoins presence.
   */
  signedIn(): void {
    if (!this.state.signedOut && !this.queue.isSignedOut) return;
    this.set({ signedOut: false });
    this.queue.resume();
    this.stream.start();
    this.presence.pageShow();
  }

  /** The folder on screen: presence is counted per folder. */
  setGallery(folder: string): void {
    if (folder === this.gallery) return;
    this.gallery = folder;
    this.set({ presence: null });
    this.presence.setGallery(folder);
  }

  /** The item open in the inspector: sent with presence heartbeats as a soft claim. */
  setOpenItem(path: string | null): void {
    this.presence.setItem(path);
  }

  /** A user's label edit: queued, and recorded as one undo step. */
  edit(paths: readonly string[], ops: LabelOps): boolean {
    const queued = this.undo.edit(paths, ops);
    if (queued) this.edited(paths);
    return queued;
  }

  private edited(paths: readonly string[]): void {
    this.lastEditAt = this.d.clock.now();
    this.presence.statusChanged();
    for (const l of [...this.editListeners]) l(paths);
  }

  /** Reads the server state of items not known here, four at a time. */
  private async loadItems(paths: readonly string[]): Promise<void> {
    const read = this.d.readItem;
    if (!read) return;
    const todo = [...paths];
    const worker = async () => {
      for (let path = todo.shift(); path !== undefined; path = todo.shift()) {
        const state = await read(path).catch(() => null);
        if (state) this.labels.receive(path, state);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  /** My own edits, once queued (a filtered list on screen may no longer match them). */
  onEdit = (listener: (paths: readonly string[]) => void): (() => void) => {
    this.editListeners.add(listener);
    return () => this.editListeners.delete(listener);
  };

  setDisplayName(name: string): void {
    this.set({ displayName: saveDisplayName(this.d.storage, name) });
  }

  pageHide(): void {
    this.queue.markClosed();
    this.undoStack.touch();
    this.presence.pageHide();
  }

  pageShow(): void {
    this.presence.pageShow();
  }

  /** True while `path` glows after someone else changed it. */
  isPulsing(path: string): boolean {
    return this.pulses.since(path, this.d.clock.now()) !== null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): EngineState => this.state;

  /**
   * Every server event, after the engine has handled it (e.g. `views-updated` for smart folders),
   * with its event id (null for events announced once, without one).
   */
  onServerEvent = (listener: (e: ServerEvent, id: number | null) => void): (() => void) => {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  };

  /** The server answered 404 to an edit of `path` (e.g. to drop it from the selection). */
  onItemMissing = (listener: (path: string) => void): (() => void) => {
    this.missingListeners.add(listener);
    return () => this.missingListeners.delete(listener);
  };

  /** Handles one server event (exposed for tests and for the polling fallback's own feed). */
  handle(e: ServerEvent): void {
    switch (e.type) {
      case 'item-updated':
        // A burst (someone's batch edit) arrives as many events: patch the cache for all of
        // them in one go, so lists and panels re-render once rather than once per event.
        this.incoming.push(e.data);
        if (this.flushTimer === null) this.flushTimer = this.d.clock.setTimeout(() => this.flushIncoming(), 0);
        return;
      case 'metrics-updated':
        this.labels.onMetricsUpdated(e.data);
        return;
      case 'presence':
        if (e.data.gallery_id === this.gallery) this.set({ presence: e.data });
        return;
      case 'metrics-progress':
        this.progress(e.data.percent, e.data.message);
        return;
      case 'item-moved':
        this.applyItemMoved(e.data);
        return;
      case 'items-added':
      case 'items-removed':
        this.foldersChanged(e.data.folders);
        return;
      default:
        return;
    }
  }

  private flushIncoming(): void {
    this.flushTimer = null;
    const events = this.incoming;
    this.incoming = [];
    const run = this.d.batch ?? ((fn: () => void) => fn());
    run(() => {
      for (const data of events) this.applyItemUpdated(data);
    });
  }

  private applyItemUpdated(data: ItemUpdated): void {
    const wasInFlight = this.queue.isInFlight(data.path);
    if (!this.labels.onItemUpdated(data)) return;
    const { path, version, updated_by } = data;
    // Our own write's event can arrive before its HTTP answer: decide once that has settled.
    const classify = () => {
      if (this.queue.isOwnVersion(path, version) || this.queue.mayBeOwn(path, data)) return;
      this.queue.observeServerState(path, data);
      this.remoteChange(path, updated_by);
    };
    if (wasInFlight) void this.queue.settled(path).then(classify);
    else classify();
  }

  private applyItemMoved(data: ItemMoved): void {
    // Label events for `from` still waiting to be applied come first: they are older than the move.
    if (this.flushTimer !== null) {
      this.d.clock.clearTimeout(this.flushTimer);
      this.flushIncoming();
    }
    // Queue first, so the cache shows the moved item with the edits now pending for `to`.
    this.queue.movePath(data.from, data.to, data);
    this.undoStack.movePath(data.from, data.to);
    const left = this.labels.onItemMoved(data);
    const [a, b] = [parentPath(data.from), parentPath(data.to)];
    if (a !== b || left.length) this.foldersChanged([a, b]);
  }

  private foldersChanged(folders: readonly string[]): void {
    for (const f of folders) this.changedFolders.add(f);
    // Not pushed back by later events: a copy that goes on for minutes still shows up as it lands.
    if (this.foldersTimer !== null) return;
    this.foldersTimer = this.d.clock.setTimeout(() => {
      this.foldersTimer = null;
      const list = [...this.changedFolders];
      this.changedFolders.clear();
      if (list.length) this.d.refreshFolders?.(list);
    }, FOLDER_REFRESH_MS);
  }

  private sessionEnded(): void {
    if (this.state.signedOut) return;
    // State first: the queue's signOut() calls back here.
    this.set({ signedOut: true });
    this.queue.signOut();
    this.stream.stop();
    this.presence.pageHide();
  }

  private streamFailed(): void {
    if (!this.d.checkSession || this.checkingSession || this.state.signedOut) return;
    this.checkingSession = true;
    this.d.checkSession().then(
      (signedIn) => {
        this.checkingSession = false;
        if (!signedIn) this.sessionEnded();
      },
      () => {
        // Could not ask (server down): the stream's own reconnect goes on.
        this.checkingSession = false;
      },
    );
  }

  private presenceStatus(): PresenceStatus {
    const pending = this.queue.getSnapshot().pending > 0;
    return pending || this.d.clock.now() - this.lastEditAt < EDITING_HOLD_MS ? 'editing' : 'viewing';
  }

  private gotCounts(counts: PresenceCounts): void {
    if (counts.gallery_id === this.gallery) this.set({ presence: counts });
  }

  private remoteChange(path: string, updatedBy: string | null): void {
    const now = this.d.clock.now();
    this.activity.record(path, updatedBy, now);
    this.pulses.mark(path, now);
    this.d.paintPulse?.(path);
    this.d.onRemoteChange?.(path);
    // One state change (one re-render of the banner) per burst.
    if (this.emitTimer !== null) return;
    this.emitTimer = this.d.clock.setTimeout(() => {
      this.emitTimer = null;
      this.set({ activity: this.activity.summary(this.d.clock.now()) });
      this.refreshActivityLater();
    }, 0);
  }

  private refreshActivityLater(): void {
    if (this.activityTimer !== null) this.d.clock.clearTimeout(this.activityTimer);
    const { expiresAt } = this.state.activity;
    if (expiresAt === null) return;
    this.activityTimer = this.d.clock.setTimeout(() => {
      this.activityTimer = null;
      this.set({ activity: this.activity.summary(this.d.clock.now()) });
      this.refreshActivityLater();
    }, Math.max(0, expiresAt - this.d.clock.now()));
  }

  private progress(percent: number, message: string): void {
    if (this.progressTimer !== null) this.d.clock.clearTimeout(this.progressTimer);
    const done = percent >= 100;
    this.set({ progress: { percent: Math.max(0, Math.min(100, Math.round(percent))), message } });
    // A finished job lingers a moment; a job that went quiet (worker died) does not stay forever.
    this.progressTimer = this.d.clock.setTimeout(() => {
      this.progressTimer = null;
      this.set({ progress: null });
    }, done ? 1_500 : PROGRESS_STALE_MS);
  }

  private set(patch: Partial<EngineState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }
}

async function postJson(fetch: FetchLike, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), keepalive: true });
  const text = await res.text();
  return res.status >= 200 && res.status < 300 && text ? (JSON.parse(text) as unknown) : null;
}
