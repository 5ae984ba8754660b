import type { EventName } from '../../protocol/events.js';

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
