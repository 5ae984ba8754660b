import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { histogramResponseSchema, metricFieldsResponseSchema, type Filter, type HistogramResponse } from '../../../protocol/query.js';
import { requestJson } from '../../api/http-client.js';

export const HISTOGRAM_BINS = 40;

export const metricsKeys = {
  fields: ['metrics', 'fields'] as const,
  histograms: ['metrics', 'histogram'] as const,
  histogram: (path: string, metric: string, filters: string) => ['metrics', 'histogram', path, metric, filters] as const,
};

/** Metric names known to the dataset (most common first, as the server orders them). */
export function useMetricFields() {
  return useQuery({
    queryKey: metricsKeys.fields,
    queryFn: ({ signal }) => requestJson('/metrics/fields', metricFieldsResponseSchema, { signal }),
    staleTime: 60_000,
    select: (data) => data.metrics,
  });
}

/**
 * The 40-bin histogram of one metric over the folder: the population, and the items that pass
 * every other filter (the server leaves this metric's own range out of `filtered`). The previous
 * histogram stays on screen while the next one loads, so brushing never blanks the chart.
 */
export function useHistogram(path: string, recursive: boolean, metric: string, filters: readonly Filter[]) {
  const key = `${recursive ? 'sub:' : ''}${JSON.stringify(filters)}`;
  return useQuery<HistogramResponse>({
    queryKey: metricsKeys.histogram(path, metric, key),
    queryFn: ({ signal }) =>
      requestJson('/histogram', histogramResponseSchema, {
        method: 'POST',
        body: { path, recursive, metric, bins: HISTOGRAM_BINS, filters },
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
