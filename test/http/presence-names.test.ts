import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { presenceCountsSchema, type PresenceCounts } from '../../src/protocol/presence.js';
import { PresenceTracker } from '../../src/server/events/presence.js';
import { installErrorHandler } from '../../src/server/http/error-handler.js';
import { registerPresenceRoutes } from '../../src/server/http/presence-routes.js';
import { expectWire } from '../support/wire.js';
import { as, signedIn, withPrincipal } from '../support/with-principal.js';

/** Issue 10: presence carries names, the account's when signed in (principals set by a test hook). */

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve() {
  app = Fastify();
  installErrorHandler(app);
  withPrincipal(app);
  const published: PresenceCounts[] = [];
  await registerPresenceRoutes(app, new PresenceTracker({ onChange: (c) => published.push(c) }));
  const beat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app!.inject({ method: 'POST', url: '/presence', headers, payload: { gallery_id: '/g', status: 'viewing', ...body } });
  return { app, published, beat };
}

describe('presence names', () => {
  it('names a signed-in client by its account, ignoring the name it claims', async () => {
    const s = await serve();
    await s.beat({ client_id: 'c1', name: 'mallory' }, { ...as(signedIn('ann')), 'x-lenslet-user': 'mallory' });
    const res = await s.beat({ client_id: 'c2', status: 'editing' }, as(signedIn('bob', 'admin')));
    expect(expectWire(presenceCountsSchema, res.json())).toMatchObject({
      viewers: 1,
      editors: 1,
      users: [
        { name: 'bob', status: 'editing' },
        { name: 'ann', status: 'viewing' },
      ],
    });
    // The `presence` event carries the same list.
    expect(expectWire(presenceCountsSchema, s.published.at(-1)).users).toEqual(res.json().users);
    const counts = await s.app.inject({ url: '/presence?gallery_id=/g' });
    expect(counts.json().users).toEqual(res.json().users);
  });

  it('without sign-in, takes X-Lenslet-User (percent-encoded too), else the body’s name, else lists no one', async () => {
    const s = await serve();
    await s.beat({ client_id: 'c1', name: 'ignored' }, { 'x-lenslet-user': 'Zo%C3%AB' });
    await s.beat({ client_id: 'c2', name: '  Sam \u0007 ' });
    const res = await s.beat({ client_id: 'c3' });
    expect(res.json()).toMatchObject({ viewers: 3, users: [{ name: 'Sam', status: 'viewing' }, { name: 'Zoë', status: 'viewing' }] });
  });

  it('refuses a name past its bound, naming the field', async () => {
    const s = await serve();
    const body = await s.beat({ client_id: 'c1', name: 'n'.repeat(201) });
    expect([body.statusCode, body.json().error.details.field]).toEqual([400, 'name']);
    const header = await s.beat({ client_id: 'c1' }, { 'x-lenslet-user': 'n'.repeat(201) });
    expect([header.statusCode, header.json().error.details.field]).toEqual([400, 'X-Lenslet-User']);
  });
});
