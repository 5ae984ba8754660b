import type { StatsResponse } from '../../../protocol/progress.js';
import { formatCount } from '../../components/format.js';
import { dayTicks } from '../../lib/person-table.js';

/** Horizontal bars, each with its count: stars 5 → unrated, or pick / reject / none. */
function Bars({ label, rows }: { label: string; rows: { key: string; name: string; count: number; tone?: string }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <ul className="pg-bars" aria-label={label}>
      {rows.map((r) => (
        <li key={r.key} className="pg-bar-row" aria-label={`${r.name}: ${r.count}`}>
          <span className="pg-bar-name" aria-hidden="true">
            {r.name}
          </span>
          <span className="pg-bar-track" aria-hidden="true">
            <span className={`pg-bar-fill${r.tone ? ` is-${r.tone}` : ''}`} style={{ width: `${(r.count / max) * 100}%` }} />
          </span>
          <span className="pg-bar-count" aria-hidden="true">
            {formatCount(r.count)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function StarBars({ stats }: { stats: StatsResponse }) {
  const rows = ([5, 4, 3, 2, 1] as const).map((n) => ({ key: String(n), name: '★'.repeat(n), count: stats.by_star[n], tone: 'star' }));
  rows.push({ key: '0', name: 'Unrated', count: stats.by_star[0], tone: 'none' });
  return <Bars label="Stars" rows={rows} />;
}

export function FlagBars({ stats }: { stats: StatsResponse }) {
  return (
    <Bars
      label="Flags"
      rows={[
        { key: 'pick', name: 'Pick', count: stats.by_flag.pick, tone: 'pick' },
        { key: 'reject', name: 'Reject', count: stats.by_flag.reject, tone: 'reject' },
        { key: 'none', name: 'No flag', count: stats.by_flag.none, tone: 'none' },
      ]}
    />
  );
}

const SHOWN_TAGS = 12;

export function TopTags({ stats }: { stats: StatsResponse }) {
  if (!stats.by_tag.length) return <p className="pg-empty">No tags yet.</p>;
  return (
    <ul className="pg-tags" aria-label="Top tags">
      {stats.by_tag.slice(0, SHOWN_TAGS).map((t) => (
        <li key={t.tag} className="pg-tag">
          <span className="pg-tag-name">{t.tag}</span>
          <span className="pg-tag-count">{formatCount(t.count)}</span>
        </li>
      ))}
    </ul>
  );
}

/** The 7-day timeline: one bar per hour, a tick at each UTC midnight. */
export function HourlyChart({ stats }: { stats: StatsResponse }) {
  const { timeline } = stats;
  const max = Math.max(1, ...timeline.map((b) => b.edits));
  const total = timeline.reduce((sum, b) => sum + b.edits, 0);
  const H = 44;
  const ticks = dayTicks(timeline);
  return (
    <figure className="pg-chart" data-testid="progress-chart">
      <svg viewBox={`0 0 ${timeline.length} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Edits per hour over the last 7 days: ${total} in all, at most ${max === 1 && total === 0 ? 0 : max} in one hour`}>
        {ticks.map((t) => (
          <line key={t.index} x1={t.index} x2={t.index} y1={0} y2={H} className="pg-chart-tick" />
        ))}
        {timeline.map((b, i) =>
          b.edits > 0 ? <rect key={b.t} x={i + 0.1} width={0.8} y={H - Math.max(1.5, (b.edits / max) * H)} height={Math.max(1.5, (b.edits / max) * H)} className="pg-chart-bar" /> : null,
        )}
      </svg>
      <figcaption className="pg-chart-axis" aria-hidden="true">
        {ticks.map((t) => (
          // A day starting in the last few hours is labeled left of its tick, inside the panel.
          <span key={t.index} className={t.index > timeline.length - 12 ? 'is-end' : undefined} style={{ left: `${(t.index / timeline.length) * 100}%` }}>
            {t.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
