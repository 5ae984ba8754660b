// @vitest-environment happy-dom
/// <reference types="vite/client" />
import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Item } from '../../protocol/items.js';
import { patchItemInCache } from '../api/item-cache.js';
import { createQueryClient } from '../api/queries.js';
import { App } from './app.js';
import { useGallery, type InspectorProps } from '../lib/gallery-context.js';

const item = (path: string, extra: Partial<Item> = {}): Item => ({
  path,
  name: path.slice(1),
  type: 'image/jpeg',
  w: 400,
  h: 300,
  size: 1000,
  added_at: '2026-01-01T00:00:00Z',
  star: null, flag: null,
  tags: [],
  notes: '',
  version: 1,
  ...extra,
});

const ITEMS = [item('/a.jpg'), item('/b.jpg'), item('/c.jpg')];
let indexing = { state: 'done', done: 3, total: 3 };
/** How many images /folders lists (the rest are not indexed yet). */
let listed = 3;
const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

function fakeServer(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(String(input), 'http://localhost');
  switch (url.pathname) {
    case '/health':
      return Promise.resolve(json({ ok: true, mode: 'folder', root: '/x', name: 'photos', items: 3, read_only: false, indexing }));
    case '/folders':
      return Promise.resolve(
        json({ path: '/', dirs: [{ name: 'sub', path: '/sub', count: 2 }], items: url.searchParams.get('limit') === '1' ? ITEMS.slice(0, 1) : ITEMS.slice(0, listed), total: listed, offset: 0, limit: 500 }),
      );
    case '/thumb':
      return Promise.resolve(new Response(new Blob(['x'], { type: 'image/webp' })));
    default:
      return Promise.resolve(new Response(JSON.stringify({ error: { code: 'not_found', message: 'nope' } }), { status: 404 }));
  }
}

function Inspector(props: InspectorProps) {
  const fromContext = useGallery();
  return (
    <div data-testid="inspector">
      {`${props.folder}|${props.selectedCount}|${props.selectedPaths.join(',')}|${fromContext.selectedItems.map((i) => i.star ?? 0).join(',')}`}
    </div>
  );
}

beforeEach(() => {
  // The virtualizers size themselves from clientWidth/clientHeight, which DOM emulators report as 0.
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(800);
  vi.stubGlobal('fetch', vi.fn(fakeServer));
  URL.createObjectURL = () => 'blob:thumb';
  URL.revokeObjectURL = () => {};
  window.history.replaceState(null, '', '/');
  indexing = { state: 'done', done: 3, total: 3 };
  listed = 3;
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('App slots', () => {
  it('mounts the inspector with the folder and selection, and the toolbar-right content', async () => {
    const queryClient = createQueryClient();
    const { container } = render(
      <QueryClientProvider client={queryClient}>
        <App inspector={Inspector} toolbarRight={<span data-testid="sync">synced</span>} />
      </QueryClientProvider>,
    );
    expect(screen.getByTestId('sync').closest('.toolbar')).not.toBeNull();
    await waitFor(() => expect(container.querySelectorAll('.grid-scroll [data-index]').length).toBe(3));
    expect(screen.getByTestId('inspector').textContent).toBe('/|0||');

    fireEvent.click(container.querySelector('[data-index="1"]')!);
    await waitFor(() => expect(screen.getByTestId('inspector').textContent).toBe('/|1|/b.jpg|0'));
    fireEvent.click(container.querySelector('[data-index="2"]')!, { ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('inspector').textContent).toBe('/|2|/b.jpg,/c.jpg|0,0'));

    // An SSE-style patch reaches the inspector and the grid cell without a refetch.
    const calls = vi.mocked(fetch).mock.calls.length;
    act(() => {
      patchItemInCache(queryClient, '/b.jpg', { star: 5, flag: null, version: 2 });
    });
    await waitFor(() => expect(screen.getByTestId('inspector').textContent).toBe('/|2|/b.jpg,/c.jpg|5,0'));
    await waitFor(() => expect(container.querySelector('[data-index="1"] .cell-badge')?.textContent).toBe('★★★★★'));
    expect(vi.mocked(fetch).mock.calls.filter(([u]) => String(u).startsWith('/folders')).length).toBe(
      vi.mocked(fetch).mock.calls.slice(0, calls).filter(([u]) => String(u).startsWith('/folders')).length,
    );

    // Esc clears the selection; the inspector follows.
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.getByTestId('inspector').textContent).toBe('/|0||'));
  });

  it('shows indexing progress while the server indexes, and hides it when done', async () => {
    indexing = { state: 'running', done: 40, total: 100 };
    const { container } = render(
      <QueryClientProvider client={createQueryClient()}>
        <App />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('indexing').textContent).toContain('Indexing 40%'));
    expect(screen.getByTestId('item-count').textContent).toBe('3 images');
    expect(container.querySelector('.crumb.is-current')?.textContent).toBe('photos');
    indexing = { state: 'done', done: 100, total: 100 };
    // the health query polls every second while running
    await waitFor(() => expect(screen.queryByTestId('indexing')).toBeNull(), { timeout: 3000 });
  });

  it('refetches the listing when indexing ends, so what was not indexed yet shows up', async () => {
    indexing = { state: 'running', done: 1, total: 1 };
    listed = 1;
    render(
      <QueryClientProvider client={createQueryClient()}>
        <App />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('item-count').textContent).toBe('1 image'));
    await waitFor(() => expect(screen.getByTestId('indexing')).toBeTruthy());
    listed = 3;
    indexing = { state: 'done', done: 3, total: 3 };
    await waitFor(() => expect(screen.getByTestId('item-count').textContent).toBe('3 images'), { timeout: 5000 });
  });

  it('leaves the right-hand panel out when no inspector is given', async () => {
    const { container } = render(
      <QueryClientProvider client={createQueryClient()}>
        <App />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(container.querySelectorAll('.grid-scroll [data-index]').length).toBe(3));
    expect(container.querySelector('.panel-right')).toBeNull();
    expect(container.querySelector('.app.has-inspector')).toBeNull();
  });
});
