import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Filter } from '../../../protocol/query.js';
import { formatNumber } from '../../components/format.js';
import { HistogramChart, type Range } from './histogram-chart.js';
import { countInRange, type Axis } from './histogram-math.js';
import { HISTOGRAM_BINS, useHistogram } from './metrics-api.js';
import { formatMetricValue, type MetricRange } from '../../lib/metric-filter.js';

export interface MetricCardProps {
  path: string;
  recursive: boolean;
  metric: string;
  /** Every active filter except this metric's own range. */
  otherFilters: readonly Filter[];
  range: MetricRange | null;
  onChange: (range: Range) => void;
  onRemove: () => void;
}

const OPEN: Range = { min: null, max: null };

/** One metric: its histogram with a brush, min/max inputs, Clear, and the counts. */
export function MetricCard({ path, recursive, metric, otherFilters, range, onChange, onRemove }: MetricCardProps) {
  const hist = useHistogram(path, recursive, metric, otherFilters);
  const committed: Range = range ? { min: range.min, max: range.max } : OPEN;
  // The brush shows (and counts) a range live while dragging; the URL changes on release.
  const [brushing, setBrushing] = useState<Range | null>(null);
  const shown = brushing ?? committed;
  const data = hist.data;
  const axis: Axis | null = data && data.min !== null && data.max !== null ? { min: data.min, max: data.max, bins: data.population.length || HISTOGRAM_BINS } : null;
  const population = data ? data.population.reduce((a, b) => a + b, 0) : null;
  const filtered = data && axis ? countInRange(axis, data.filtered, shown.min, shown.max) : null;
  const active = committed.min !== null || committed.max !== null;

  return (
    <section className={`metric-card${active ? ' is-active' : ''}`} data-testid="metric-card" data-metric={metric}>
      <header className="metric-card-head">
        <span className="metric-card-name" title={metric}>
          {metric}
        </span>
        <button type="button" className="metric-card-close" onClick={onRemove} aria-label={`Hide ${metric}`} title="Hide (and clear its filter)">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
        </button>
      </header>
      <div className="metric-chart">
        {axis && data ? (
          <HistogramChart
            axis={axis}
            population={data.population}
            filtered={data.filtered}
            range={shown}
            label={`Histogram of ${metric}`}
            onBrush={setBrushing}
            onCommit={(r) => {
              setBrushing(null);
              onChange(r);
            }}
          />
        ) : (
          <div className="metric-chart-empty">{hist.isPending ? '' : hist.error ? 'Couldn’t load the histogram' : recursive ? 'No values here or in subfolders' : 'No values in this folder'}</div>
        )}
      </div>
      <div className="metric-axis" aria-hidden="true">
        <span>{axis ? formatMetricValue(axis.min) : '\u00a0'}</span>
        <span>{axis ? formatMetricValue(axis.max) : ''}</span>
      </div>
      <div className="metric-bounds">
        <BoundInput label="Min" value={shown.min} onCommit={(min) => onChange({ min, max: committed.max })} />
        <span className="metric-bounds-dash" aria-hidden="true">
          –
        </span>
        <BoundInput label="Max" value={shown.max} onCommit={(max) => onChange({ min: committed.min, max })} />
        <button type="button" className="metric-clear" disabled={!active} onClick={() => onChange(OPEN)}>
          Clear
        </button>
      </div>
      <div className="metric-counts" data-testid="metric-counts">
        <span>
          Population <strong>{population === null ? '–' : formatNumber(population)}</strong>
        </span>
        <span>
          Filtered <strong className="is-accent">{filtered === null ? '–' : formatNumber(filtered)}</strong>
        </span>
      </div>
    </section>
  );
}

/** A number field that commits on Enter or blur; an empty field is an open bound. Esc reverts. */
function BoundInput({ label, value, onCommit }: { label: string; value: number | null; onCommit: (v: number | null) => void }) {
  const text = value === null ? '' : formatMetricValue(value);
  const [draft, setDraft] = useState(text);
  const [editing, setEditing] = useState(false);
  const cancelled = useRef(false);
  useEffect(() => {
    if (!editing) setDraft(text);
  }, [text, editing]);
  const commit = () => {
    setEditing(false);
    if (cancelled.current) {
      cancelled.current = false;
      setDraft(text);
      return;
    }
    const trimmed = draft.trim();
    if (trimmed === text) return;
    if (trimmed === '') return onCommit(null);
    const n = Number(trimmed);
    if (Number.isFinite(n)) onCommit(n);
    else setDraft(text);
  };
  return (
    <input
      className="metric-bound"
      inputMode="decimal"
      placeholder={label}
      aria-label={label}
      value={draft}
      onFocus={() => setEditing(true)}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        else if (e.key === 'Escape') {
          cancelled.current = true;
          e.currentTarget.blur();
        }
      }}
    />
  );
}
