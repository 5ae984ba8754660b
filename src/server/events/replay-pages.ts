import { frame, type Frame } from './sse-frames.js';

/** Where replay reads from: the durable event log (a LabelStore satisfies this). */
export interface EventLog {
  changesSince(afterId: number, limit: number): Promise<{ events: { id: number; type: string; data: unknown }[]; reset: boolean }>;
  currentEventId(): Promise<number>;
}

export interface ReplayPage {
  frames: Frame[];
  reset: boolean;
}

/**
 * Pages of the event log, serialised, shared by the replays that read them. Clients that
 * reconnect together (a server restart, a network blip, a flood) replay the same ranges: each page
 * is read from the log and serialised once, not once per client. Only full pages are kept: their
 * events are committed and never change; the last page can still grow.
 */
export class ReplayPages {
  private readonly pages = new Map<number, { page: Promise<ReplayPage>; bytes: number }>();
  private total = 0;

  constructor(
    private readonly log: EventLog,
    private readonly pageSize: number,
    private readonly maxBytes: number,
  ) {}

  /** The events after `afterId`, at most one page of them. */
  read(afterId: number): Promise<ReplayPage> {
    const cached = this.pages.get(afterId);
    if (cached) {
      this.pages.delete(afterId); // re-inserted last: the Map's order is least recently used first
      this.pages.set(afterId, cached);
      return cached.page;
    }
    const page = this.load(afterId);
    // Shared while loading too, so a burst of identical replays reads the log once.
    const entry = { page, bytes: 0 };
    this.pages.set(afterId, entry);
    page.then(
      (p) => {
        if (this.pages.get(afterId) !== entry) return;
        if (p.reset || p.frames.length < this.pageSize) {
          this.pages.delete(afterId);
          return;
        }
        entry.bytes = p.frames.reduce((n, f) => n + f.bytes, 0);
        this.total += entry.bytes;
        this.evict();
      },
      () => this.pages.delete(afterId),
    );
    return page;
  }

  private async load(afterId: number): Promise<ReplayPage> {
    const { events, reset } = await this.log.changesSince(afterId, this.pageSize);
    return { reset, frames: events.map((e) => frame(e.type, e.data, e.id)) };
  }

  private evict(): void {
    for (const [key, entry] of this.pages) {
      if (this.total <= this.maxBytes) return;
      if (entry.bytes === 0) continue; // still loading
      this.pages.delete(key);
      this.total -= entry.bytes;
    }
  }
}
