import type { FastifyInstance } from 'fastify';
import type { ChangeFeed } from './events/change-feed.js';
import { PresenceTracker } from './events/presence.js';
import { SseHub, type SseLimits } from './events/sse-hub.js';
import { registerEventRoutes } from './http/event-routes.js';
import { registerExportRoutes } from './http/export-routes.js';
import { registerLabelRoutes, type ItemSettler } from './http/label-routes.js';
import { registerMetricsRoutes } from './http/metrics-routes.js';
import { registerPresenceRoutes } from './http/presence-routes.js';
import { LabelService } from './labels/label-service.js';
import type { LabelStore } from './labels/label-store.js';
import type { PgConnection } from './postgres/pg-connection.js';

/**
 * The collaborative part of the composition root: labels over a store, the SSE stream of the
 * change feed, and presence. `app.ts` builds it into the gallery; test/labels builds it alone,
 * over a faked gallery, the same way.
 */
export interface LabelParts {
  store: LabelStore;
  service: LabelService;
  hub: SseHub;
  presence: PresenceTracker;
  /** Stops the presence pruner, ends SSE streams, drains queued commits and closes the store. */
  close(): Promise<void>;
}

export interface LabelPartsOptions {
  now?: () => number;
  presenceTtlMs?: number;
  /** How often stale presence is pruned. Default 1 s. */
  presencePruneMs?: number;
  heartbeatMs?: number;
  sseMaxBufferedBytes?: number;
  /** Replay, buffer and stream caps of the SSE hub (defaults in sse-hub.ts). */
  sse?: SseLimits;
  /** Presence clients tracked at once. Default 10,000. */
  presenceMaxClients?: number;
  /** Share presence with the other servers of the dataset through this database (`--store postgres://…`). */
  postgres?: PgConnection;
  /** How often presence is shared through `postgres`. Default 500 ms. */
  presenceShareMs?: number;
}

export async function openLabelParts(
  store: LabelStore,
  feed: ChangeFeed,
  itemExists: (path: string) => boolean,
  options: LabelPartsOptions = {},
): Promise<LabelParts> {
  const service = await LabelService.open({ store, feed, itemExists, now: options.now });
  const hub = await SseHub.create({
    ...options.sse,
    log: store,
    feed,
    heartbeatMs: options.heartbeatMs,
    maxBufferedBytes: options.sseMaxBufferedBytes ?? options.sse?.maxBufferedBytes,
  });
  const presence = new PresenceTracker({
    ttlMs: options.presenceTtlMs,
    maxClients: options.presenceMaxClients,
    now: options.now,
    onChange: (counts) => feed.publish({ id: null, type: 'presence', data: counts, gallery: counts.gallery_id }),
  });
  const pruner = setInterval(() => presence.prune(), options.presencePruneMs ?? 1000);
  pruner.unref();
  const share = options.postgres
    ? await (await import('./events/pg-presence.js')).PresenceShare.start({ db: options.postgres, tracker: presence, ttlMs: options.presenceTtlMs, intervalMs: options.presenceShareMs, now: options.now })
    : undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(pruner);
      await share?.stop();
      hub.close();
      await service.close();
    })());
  return { store, service, hub, presence, close };
}

/** Every label, event, presence, metrics and export route. */
export async function registerLabelRoutesOf(
  app: FastifyInstance,
  parts: LabelParts,
  feed: ChangeFeed,
  listItemPaths: (prefix: string) => Iterable<string>,
  /** Default: the catalog is complete, the label service's `itemExists` alone decides. */
  items: ItemSettler = { settle: async () => {} },
  /** Whom each item is assigned to, for the export's `assignee` column (issue 14). */
  assignees?: () => (path: string) => string | null,
): Promise<void> {
  registerLabelRoutes(app, parts.service, items);
  registerEventRoutes(app, parts.hub, parts.presence);
  await registerPresenceRoutes(app, parts.presence);
  registerMetricsRoutes(app, parts.service, feed, items);
  registerExportRoutes(app, { labels: parts.service, listItemPaths, assignees });
}
