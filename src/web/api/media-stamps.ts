/**
 * The bytes-version of files rewritten in place since the page loaded (`item-changed` stamps),
 * so the thumbnail and file URLs of exactly those paths change (`&v=<stamp>`) and skip every cache
 * on the way: the thumb queue's, the browser's and the server's immutable thumbnail URLs. Bounded:
 * an old stamp forgotten only means that file's URL goes back to the cache-validated one.
 */
export class MediaStamps {
  private readonly stamps = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly max = 10_000) {}

  get(path: string | null): string | undefined {
    return path === null ? undefined : this.stamps.get(path);
  }

  set(path: string, stamp: string): void {
    if (this.stamps.get(path) === stamp) return;
    this.stamps.delete(path);
    this.stamps.set(path, stamp);
    if (this.stamps.size > this.max) this.stamps.delete(this.stamps.keys().next().value as string);
    this.emit();
  }

  /** A moved file keeps its bytes: its stamp (if any) goes along. */
  move(from: string, to: string): void {
    const stamp = this.stamps.get(from);
    if (stamp === undefined) return;
    this.stamps.delete(from);
    this.set(to, stamp);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** One per page, shared by the grid's cells and the viewer. */
export const mediaStamps = new MediaStamps();
