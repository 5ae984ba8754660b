import Fastify, { type FastifyInstance } from 'fastify';
import { installAccess, type AccessParts } from '../../../src/server/app-access.js';
import { openLabelParts, registerLabelRoutesOf, type LabelParts } from '../../../src/server/app-labels.js';
import { resolveAccess } from '../../../src/server/http/auth/access-options.js';
import { ChangeFeed } from '../../../src/server/events/change-feed.js';
import { installErrorHandler } from '../../../src/server/http/error-handler.js';
import { createLabelStore } from '../../../src/server/labels/create-label-store.js';
import type { WriteReply } from '../../../src/server/labels/label-service.js';
import type { LabelStore, LabelStoreOptions } from '../../../src/server/labels/label-store.js';
import type { Sidecar } from '../../../src/protocol/items.js';

export interface LabelServerOptions {
  /** SQLite file; null (default) for memory. */
  dbPath?: string | null;
  store?: LabelStore;
  storeOptions?: LabelStoreOptions;
  /** Paths that exist; default: every path exists except those under /missing. */
  itemExists?: (path: string) => boolean;
  listItemPaths?: (prefix: string) => Iterable<string>;
  now?: () => number;
  presenceTtlMs?: number;
  presencePruneMs?: number;
  heartbeatMs?: number;
  sseMaxBufferedBytes?: number;
  listen?: boolean;
  /** Accounts mode (issue 10) with accounts in this SQLite file (null: memory); default: no access check. */
  accounts?: { file: string | null };
}

export interface LabelServer {
  app: FastifyInstance;
  system: LabelParts & { feed: ChangeFeed };
  /** With `accounts`: the access check and the account service. */
  access: AccessParts | null;
  url: string;
  close(): Promise<void>;
}

/** The label routes on a bare fastify app with the real error handler; the gallery is faked. */
export async function startLabelServer(options: LabelServerOptions = {}): Promise<LabelServer> {
  const app = Fastify({ forceCloseConnections: true });
  installErrorHandler(app);
  const access = options.accounts
    ? await installAccess(app, resolveAccess('127.0.0.1', { mode: 'accounts' }), { file: options.accounts.file, ensureDir: async () => {} })
    : null;
  if (access) app.addHook('onClose', () => access.close());
  const store = options.store ?? createLabelStore(options.dbPath ?? null, options.storeOptions);
  const feed = new ChangeFeed();
  const parts = await openLabelParts(store, feed, options.itemExists ?? ((p) => !p.startsWith('/missing')), options);
  await registerLabelRoutesOf(app, parts, feed, options.listItemPaths ?? (() => []));
  access?.guardStreams(parts.hub);
  app.addHook('onClose', () => parts.close());
  const system = { ...parts, feed };
  let url = '';
  if (options.listen !== false) url = await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  return { app, system, access, url, close: () => app.close() };
}

/** The item a write left behind; fails the test when the write was not applied. */
export function appliedItem(reply: WriteReply): Sidecar {
  const { outcome } = reply;
  if (outcome.kind !== 'item' || outcome.result.kind !== 'applied') throw new Error(`write not applied: ${JSON.stringify(outcome)}`);
  return outcome.result.item;
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2026-01-23T19:22:05Z')) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
