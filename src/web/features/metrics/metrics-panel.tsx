import type { Filter } from '../../../protocol/query.js';
import { MetricCard } from './metric-card.js';
import { useMetricFields } from './metrics-api.js';
import { metricClauses, orderedRange, setMetricRange, type MetricRange } from '../../lib/metric-filter.js';
import './metrics-panel.css';

export interface MetricsPanelProps {
  path: string;
  /** Subfolders included (the grid's scope, `sub=1`). */
  recursive: boolean;
  onRecursive: (recursive: boolean) => void;
  /** Clauses of the other (star/tag) filters; metric ranges are added per card. */
  labelFilters: readonly Filter[];
  ranges: readonly MetricRange[];
  onRanges: (ranges: MetricRange[]) => void;
  /** The metrics with a card (see useShownMetrics), and a new choice of them. */
  shown: readonly string[];
  onShown: (metrics: string[]) => void;
}

/**
 * The metrics panel: one card per chosen metric (every metric with an active range is shown), each
 * with a 40-bin histogram to brush. Several ranges can be active at once; they AND together.
 */
export function MetricsPanel({ path, recursive, onRecursive, labelFilters, ranges, onRanges, shown, onShown }: MetricsPanelProps) {
  const fields = useMetricFields();
  const names = fields.data?.map((f) => f.name) ?? [];
  const addable = names.filter((n) => !shown.includes(n));

  return (
    <div className="metrics-panel" data-testid="metrics-panel">
      <div className="metrics-add">
        <select
          className="select metrics-add-select"
          value=""
          aria-label="Show a metric"
          disabled={!addable.length}
          onChange={(e) => {
            if (e.target.value) onShown([...shown, e.target.value]);
          }}
        >
          <option value="">{fields.isPending ? 'Loading metrics…' : addable.length ? 'Add a metric…' : names.length ? 'All metrics shown' : 'No metrics yet'}</option>
          {addable.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <label className="metrics-scope" title="Filter, sort and count the folder together with its subfolders">
        <input type="checkbox" checked={recursive} onChange={(e) => onRecursive(e.target.checked)} />
        <span className="metrics-switch" aria-hidden="true" />
        Include subfolders
      </label>
      {!fields.isPending && !names.length && !shown.length ? (
        <p className="metrics-empty">No item has metrics yet. Metrics arrive with a table’s numeric columns or through <code>PUT /metrics</code>.</p>
      ) : null}
      <div className="metrics-cards">
        {shown.map((metric) => {
          const range = ranges.find((r) => r.metric === metric) ?? null;
          const others = [...labelFilters, ...metricClauses(ranges.filter((r) => r.metric !== metric))];
          return (
            <MetricCard
              key={metric}
              path={path}
              recursive={recursive}
              metric={metric}
              otherFilters={others}
              range={range}
              onChange={(r) => onRanges(setMetricRange(ranges, orderedRange({ metric, min: r.min, max: r.max })))}
              onRemove={() => {
                onShown(shown.filter((m) => m !== metric));
                if (range) onRanges(setMetricRange(ranges, { metric, min: null, max: null }));
              }}
            />
          );
        })}
      </div>
    </div>
  );
}
