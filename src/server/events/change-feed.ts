import type { EventName } from '../../protocol/events.js';
import type { Principal } from '../accounts/principal.js';

/**
 * An event on its way to SSE clients. Durable events carry their event-log id (the SSE `id:`);
 * ephemeral ones (presence, metrics-progress) carry `id: null` and are never replayed.
 */
export interface FeedEvent {
  id: number | null;
  type: EventName;
  data: unknown;
  /** The gallery an ephemeral event is about: only streams following that gallery get it. */
  gallery?: string;
  /**
   * Who may see this event (e.g. a private smart folder's `views-updated` goes to its owner only).
   * Absent: every stream. The SSE hub checks it against each stream's principal.
   */
  audience?: (principal: Principal) => boolean;
}

export type FeedListener = (event: FeedEvent) => void;

/**
 * In-process fan-out of committed changes. Publishers call `publish` only after their commit, in
 * event-id order, so a listener never sees an event that could still be rolled back.
 */
export class ChangeFeed {
  private readonly listeners = new Set<FeedListener>();

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: FeedEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
