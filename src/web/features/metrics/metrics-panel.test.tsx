// @vitest-environment happy-dom
/// <reference types="vite/client" />
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../api/queries.js';
import type { Filter } from '../../../protocol/query.js';
import { MetricsPanel } from './metrics-panel.js';
import type { MetricRange } from '../../lib/metric-filter.js';
import { useShownMetrics } from './use-shown-metrics.js';

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
const bodies: unknown[] = [];

function fakeServer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(String(input), 'http://localhost');
  if (url.pathname === '/metrics/fields') return Promise.resolve(json({ metrics: [{ name: 'aesthetic', count: 10 }, { name: 'sharpness', count: 4 }] }));
  if (url.pathname === '/histogram') {
    bodies.push(JSON.parse(String(init?.body)));
    const population = new Array<number>(40).fill(0);
    const filtered = new Array<number>(40).fill(0);
    population[0] = 4;
    population[39] = 6;
    filtered[39] = 3;
    return Promise.resolve(json({ metric: 'aesthetic', min: 0, max: 1, population, filtered }));
  }
  return Promise.resolve(new Response('{}', { status: 404 }));
}

/** The panel with its cards held as the app holds them (useShownMetrics). */
function Panel({ labelFilters, ranges, onRanges }: { labelFilters: Filter[]; ranges: MetricRange[]; onRanges: (r: MetricRange[]) => void }) {
  const [shown, setShown] = useShownMetrics(ranges);
  return <MetricsPanel path="/a" recursive={false} onRecursive={() => {}} labelFilters={labelFilters} ranges={ranges} onRanges={onRanges} shown={shown} onShown={setShown} />;
}

function renderPanel(ranges: MetricRange[]) {
  const onRanges = vi.fn();
  const view = render(
    <QueryClientProvider client={createQueryClient()}>
      <Panel labelFilters={[{ stars: [5] }]} ranges={ranges} onRanges={onRanges} />
    </QueryClientProvider>,
  );
  return { ...view, onRanges };
}

beforeEach(() => {
  bodies.length = 0;
  localStorage.clear();
  vi.stubGlobal('fetch', vi.fn(fakeServer));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('metrics panel', () => {
  it('shows the first metric by default with its counts, asking the server with the other filters', async () => {
    renderPanel([]);
    const card = await screen.findByTestId('metric-card');
    expect(card.getAttribute('data-metric')).toBe('aesthetic');
    await waitFor(() => expect(within(card).getByTestId('metric-counts').textContent).toBe('Population 10Filtered 3'));
    expect(bodies[0]).toEqual({ path: '/a', recursive: false, metric: 'aesthetic', bins: 40, filters: [{ stars: [5] }] });
  });

  it('commits a typed bound on Enter, reverts on Escape, and clears', async () => {
    const { onRanges, rerender } = renderPanel([]);
    const card = await screen.findByTestId('metric-card');
    const max = within(card).getByLabelText('Max');
    fireEvent.focus(max);
    fireEvent.change(max, { target: { value: '0.5' } });
    fireEvent.keyDown(max, { key: 'Enter' });
    fireEvent.blur(max);
    expect(onRanges).toHaveBeenLastCalledWith([{ metric: 'aesthetic', min: null, max: 0.5 }]);

    const min = within(card).getByLabelText('Min');
    onRanges.mockClear();
    fireEvent.focus(min);
    fireEvent.change(min, { target: { value: '0.9' } });
    fireEvent.keyDown(min, { key: 'Escape' });
    fireEvent.blur(min);
    expect(onRanges).not.toHaveBeenCalled();
    expect((min as HTMLInputElement).value).toBe('');

    rerender(
      <QueryClientProvider client={createQueryClient()}>
        <Panel labelFilters={[]} ranges={[{ metric: 'aesthetic', min: 0.9, max: 0.2 }]} onRanges={onRanges} />
      </QueryClientProvider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Clear' }));
    expect(onRanges).toHaveBeenLastCalledWith([]);
  });

  it('swaps reversed bounds, shows every metric with a range, and hiding one clears its range', async () => {
    const { onRanges } = renderPanel([{ metric: 'sharpness', min: 1, max: null }]);
    const cards = await screen.findAllByTestId('metric-card');
    expect(cards.map((c) => c.getAttribute('data-metric'))).toEqual(['sharpness']);
    const max = within(cards[0]!).getByLabelText('Max');
    fireEvent.focus(max);
    fireEvent.change(max, { target: { value: '0.25' } });
    fireEvent.blur(max);
    expect(onRanges).toHaveBeenLastCalledWith([{ metric: 'sharpness', min: 0.25, max: 1 }]);
    fireEvent.click(within(cards[0]!).getByRole('button', { name: 'Hide sharpness' }));
    expect(onRanges).toHaveBeenLastCalledWith([]);
  });
});
