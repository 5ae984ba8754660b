import { useMemo } from 'react';
import { useStoredState } from '../../hooks/use-stored-state.js';
import type { MetricRange } from '../../lib/metric-filter.js';
import { useMetricFields } from './metrics-api.js';
import { shownMetrics } from './shown-metrics.js';

const isNamesOrNull = (v: unknown): v is string[] | null => v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * The metrics panel's cards, remembered across reloads. Held by the app rather than the panel:
 * a smart folder saves them and opening one restores them.
 */
export function useShownMetrics(ranges: readonly MetricRange[]): [shown: string[], setShown: (metrics: string[]) => void] {
  const fields = useMetricFields();
  const [chosen, setChosen] = useStoredState<string[] | null>('metrics-shown', null, isNamesOrNull);
  const shown = useMemo(() => shownMetrics(chosen, fields.data?.map((f) => f.name) ?? [], ranges), [chosen, fields.data, ranges]);
  return [shown, setChosen];
}
