/** The table workloads both `table` (over HTTP) and `query` (in process) run: the same bodies. */
export interface Workload {
  name: string;
  route: '/query' | '/histogram';
  body: Record<string, unknown>;
}

export const WORKLOADS: Workload[] = [
  { name: 'root window, name order (default view)', route: '/query', body: { limit: 200 } },
  { name: 'metric range, sorted by that metric desc', route: '/query', body: { filters: [{ metric: 'metric_00', min: 0.5 }], sort: { key: 'metric:metric_00', order: 'desc' }, limit: 200 } },
  { name: '2 metric ranges + width, added desc, offset 10k', route: '/query', body: { filters: [{ metric: 'metric_02', min: 0.2, max: 0.8 }, { metric: 'metric_03', max: 50 }, { width: { gte: 1024 } }], sort: { key: 'added', order: 'desc' }, offset: 10_000, limit: 200 } },
  { name: 'sort by another metric asc (missing last), no filter', route: '/query', body: { sort: { key: 'metric:metric_07', order: 'asc' }, limit: 200 } },
  { name: 'text "img_00012", name order', route: '/query', body: { filters: [{ text: 'img_00012' }], limit: 200 } },
  { name: 'random (seed 7) window', route: '/query', body: { sort: { key: 'random', seed: 7 }, limit: 200 } },
  { name: 'one folder (1k rows), metric range, metric sort', route: '/query', body: { path: '/shard_0042', filters: [{ metric: 'metric_04', min: 0.3 }], sort: { key: 'metric:metric_05', order: 'desc' }, limit: 200 } },
  { name: 'stars [0] + metric range (label filter path)', route: '/query', body: { filters: [{ stars: [0] }, { metric: 'metric_06', min: 0.9 }], limit: 200 } },
  { name: 'histogram, 40 bins, 2 filters (own one ignored)', route: '/histogram', body: { metric: 'metric_00', bins: 40, filters: [{ metric: 'metric_00', min: 0.5 }, { metric: 'metric_03', max: 30 }] } },
  { name: 'histogram, 40 bins, no filter', route: '/histogram', body: { metric: 'metric_09', bins: 40 } },
  { name: 'histogram in one folder, text filter', route: '/histogram', body: { path: '/shard_0042', metric: 'metric_01', filters: [{ text: 'img_0' }] } },
];
