import { describe, expect, it } from 'vitest';
import type { View } from '../../../protocol/views.js';
import { canEdit, isShared, LOCAL_RIGHTS, viewRightsOf } from './view-rights.js';

const view = (shared?: boolean): View => ({ id: 'v', name: 'v', path: '/', recursive: true, filters: [], ...(shared === undefined ? {} : { shared }) });

describe('smart-folder rights', () => {
  it('come from /auth/me: its `can` when given, else the role; everything on a server without accounts', () => {
    expect(viewRightsOf(null)).toEqual(LOCAL_RIGHTS);
    expect(viewRightsOf({ access: 'local', user: { name: 'local', role: 'admin' } })).toEqual({ own: true, shared: true, accounts: false });
    expect(viewRightsOf({ access: 'accounts', user: { name: 'ann', role: 'labeler' } })).toEqual({ own: true, shared: false, accounts: true });
    expect(viewRightsOf({ access: 'proxy', user: { name: 'vic', role: 'viewer' } })).toEqual({ own: false, shared: false, accounts: true });
    expect(viewRightsOf({ access: 'accounts', user: null })).toMatchObject({ own: false, shared: false });
    const can = { label: true, own_views: true, shared_views: true, admin: false };
    expect(viewRightsOf({ access: 'accounts', user: { name: 'x', role: 'labeler' }, can })).toMatchObject({ own: true, shared: true });
  });

  it('leave shared views read-only for non-admins; a view without the flag is shared', () => {
    const labeler = viewRightsOf({ access: 'accounts', user: { name: 'ann', role: 'labeler' } });
    expect([isShared(view()), isShared(view(true)), isShared(view(false))]).toEqual([true, true, false]);
    expect([canEdit(view(), labeler), canEdit(view(false), labeler)]).toEqual([false, true]);
    expect(canEdit(view(true), viewRightsOf({ access: 'accounts', user: { name: 'b', role: 'admin' } }))).toBe(true);
  });
});
