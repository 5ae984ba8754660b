// @vitest-environment happy-dom
/// <reference types="vite/client" />
import type { ComponentType, ReactNode } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Item } from '../../protocol/items.js';
import type { InspectorProps } from '../lib/gallery-context.js';

/**
 * What one viewer step renders, read the way React DevTools does (its global hook, which React
 * DOM looks for when it loads): for each commit, the components that rendered in it. A subtree
 * whose parent bailed out keeps the child fibers it had (`child` is the same on both sides), so it
 * is not walked; a fiber that ran its component has the PerformedWork flag (1).
 */
interface Fiber {
  type: unknown;
  flags: number;
  child: Fiber | null;
  sibling: Fiber | null;
  alternate: Fiber | null;
}
const commits: string[][] = [];
function nameOf(type: unknown): string | null {
  if (typeof type === 'function') return (type as { name?: string }).name || null;
  if (type && typeof type === 'object' && 'type' in type) return nameOf((type as { type: unknown }).type);
  return null;
}
function rendered(fiber: Fiber, out: string[]): void {
  for (let f: Fiber | null = fiber; f; f = f.sibling) {
    const name = nameOf(f.type);
    if (name && (f.alternate === null || (f.flags & 1) === 1)) out.push(name);
    if (f.child && (f.alternate === null || f.child !== f.alternate.child)) rendered(f.child, out);
  }
}

const item = (path: string): Item => ({
  path,
  name: path.slice(1),
  type: 'image/jpeg',
  w: 400,
  h: 300,
  size: 1000,
  added_at: '2026-01-01T00:00:00Z',
  star: null,
  flag: null,
  tags: [],
  notes: '',
  version: 1,
});
const ITEMS = [item('/a.jpg'), item('/b.jpg'), item('/c.jpg')];
const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
function fakeServer(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(String(input), 'http://localhost');
  if (url.pathname === '/health') return Promise.resolve(json({ ok: true, mode: 'folder', root: '/x', name: 'photos', items: 3, read_only: false, indexing: { state: 'done', done: 3, total: 3 } }));
  if (url.pathname === '/folders') return Promise.resolve(json({ path: '/', dirs: [{ name: 'sub', path: '/sub', count: 2 }], items: ITEMS, total: 3, offset: 0, limit: 500 }));
  if (url.pathname === '/thumb') return Promise.resolve(new Response(new Blob(['x'], { type: 'image/webp' })));
  return Promise.resolve(new Response(JSON.stringify({ error: { code: 'not_found', message: 'nope' } }), { status: 404 }));
}

// A loaded machine can take seconds for what takes milliseconds alone: wait for conditions, long.
const SLOW = { timeout: 15_000 };

function Inspector(props: InspectorProps) {
  return <div data-testid="inspector">{props.focusedItem?.path ?? ''}</div>;
}

let lib: typeof import('@testing-library/react');
let App: ComponentType<{ inspector?: ComponentType<InspectorProps>; toolbarRight?: ReactNode }>;
let providers: (children: ReactNode) => ReactNode;

beforeAll(async () => {
  // Before React DOM loads: it connects to the hook once, at import.
  (globalThis as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onScheduleFiberRoot: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
      const out: string[] = [];
      if (root.current.child) rendered(root.current.child, out);
      commits.push(out);
    },
  };
  lib = await import('@testing-library/react');
  App = (await import('./app.js')).App;
  const { QueryClientProvider } = await import('@tanstack/react-query');
  const { createQueryClient } = await import('../api/queries.js');
  providers = (children) => <QueryClientProvider client={createQueryClient()}>{children}</QueryClientProvider>;
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800);
  vi.stubGlobal('fetch', vi.fn(fakeServer));
  URL.createObjectURL = () => 'blob:thumb';
  URL.revokeObjectURL = () => {};
});

afterAll(() => {
  lib.cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('a viewer step', () => {
  it('[AV2] renders the viewer and the shell at once, the inspector, My work and the grid’s cursor in a later render, the folder tree and smart folders not at all', async () => {
    const { render, screen, waitFor, fireEvent, act } = lib;
    window.history.replaceState(null, '', '/?view=%2Fa.jpg');
    render(providers(<App inspector={Inspector} />));
    await waitFor(() => expect(screen.getByRole('dialog').getAttribute('aria-label')).toBe('Viewer: a.jpg'), SLOW);
    await waitFor(() => expect(screen.getByTestId('inspector').textContent).toBe('/a.jpg'), SLOW);
    // Let everything the first load started settle before looking at the step alone.
    await act(() => new Promise((r) => setTimeout(r, 50)));

    // A first step selects the item (the deep link had no selection); the second is culling's steady state.
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('inspector').textContent).toBe('/b.jpg'), SLOW);
    await act(() => new Promise((r) => setTimeout(r, 50)));
    commits.length = 0;
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('inspector').textContent).toBe('/c.jpg'), SLOW);
    expect(screen.getByRole('dialog').getAttribute('aria-label')).toBe('Viewer: c.jpg');
    await waitFor(() => expect(new URLSearchParams(window.location.search).get('view')).toBe('/c.jpg'), SLOW);

    const [step = [], ...later] = commits;
    expect(step).toContain('App');
    expect(step).toContain('ImageViewer');
    // The step's own commit: nothing but the shell, the key handler and the viewer.
    for (const part of ['Inspector', 'Toolbar', 'LeftPanel', 'FolderTree', 'SmartFolders', 'MyWork', 'FilterChips', 'ThumbnailGrid']) expect(step).not.toContain(part);
    // Then what shows the viewed item besides the viewer: the inspector, My work, the grid's cursor.
    expect(later.some((commit) => commit.includes('Inspector'))).toBe(true);
    // The tree and the smart folders never (nor the filter chips: the filters did not change).
    for (const commit of commits) for (const part of ['FolderTree', 'SmartFolders', 'FilterChips']) expect(commit).not.toContain(part);
  });
});
