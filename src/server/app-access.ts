import type { FastifyInstance } from 'fastify';
import { AccountService } from './accounts/account-service.js';
import type { AccountStore } from './accounts/account-store.js';
import { MemoryAccountStore } from './accounts/memory-account-store.js';
import { SqliteAccountStore } from './accounts/sqlite-account-store.js';
import type { SseHub } from './events/sse-hub.js';
import { installAccessCheck, type CheckedRoute } from './http/auth/access-check.js';
import type { ResolvedAccess } from './http/auth/access-options.js';
import { registerAdminRoutes } from './http/auth/admin-routes.js';
import { registerAuthRoutes, type AccountsHandle } from './http/auth/auth-routes.js';
import { registerCors } from './http/auth/cors.js';

/** The account part of the composition root (issue 10): the store, the access check, `/auth` and `/admin`. */
export interface AccessParts {
  access: ResolvedAccess;
  /** The account service, opened on first use in local and open mode (the workspace stays untouched until then). */
  accounts: AccountsHandle;
  /** Every route registered, each checked to have a rule (the route × role matrix walks them). */
  routes: readonly CheckedRoute[];
  /** Ends the streams of principals no longer admitted as they were, after any account change. */
  guardStreams(hub: SseHub): void;
  close(): Promise<void>;
}

/** Where accounts live: a ready store (PostgreSQL), `<workspace>/accounts.sqlite`, or memory for a temp workspace. */
export interface AccessStoreOptions {
  /** Opened by the caller (`--store postgres://…`): used instead of `file`. */
  store?: AccountStore;
  /** Null: memory (nothing survives a restart). */
  file: string | null;
  ensureDir(): Promise<void>;
}

/**
 * Registered right after the boundary guards, before every route: CORS for `--cors-origin`, then
 * the access check (its onRoute hook must see every route), then `/auth` and `/admin`.
 */
export async function installAccess(app: FastifyInstance, access: ResolvedAccess, storage: AccessStoreOptions): Promise<AccessParts> {
  let opened: Promise<AccountService> | undefined;
  const accounts: AccountsHandle = () =>
    (opened ??= (async () => {
      if (!storage.store && storage.file) await storage.ensureDir();
      const store = storage.store ?? (storage.file ? new SqliteAccountStore(storage.file) : new MemoryAccountStore());
      const service = new AccountService({ store });
      // The CLI (or another server) writes the same accounts: see its changes within a second, even with no request coming.
      service.watch(1000);
      return service;
    })());
  const eager = access.mode === 'accounts' || access.mode === 'proxy' ? await accounts() : null;
  registerCors(app, access.corsOrigin);
  const routes = installAccessCheck(app, access, eager);
  registerAuthRoutes(app, access, accounts);
  registerAdminRoutes(app, access, accounts);
  return {
    access,
    accounts,
    routes,
    guardStreams(hub) {
      if (!eager) return;
      eager.onChange(() => {
        void (async () => {
          const ended = new Set();
          for (const principal of hub.principals()) if (!(await eager.stillValid(principal))) ended.add(principal);
          if (ended.size > 0) hub.closeWhere((principal) => ended.has(principal));
        })().catch(() => undefined);
      });
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}
