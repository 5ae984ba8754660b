import { completion } from '../lib/progress-model.js';
import './completion-bar.css';

export interface CompletionBarProps {
  /** What is measured, for the accessible name: "Completion of <name>: 40 of 120 labeled". */
  name: string;
  labeled: number;
  total: number;
  size?: 'thin' | 'wide';
}

/** Labeled / total as a thin bar, a progressbar to assistive technology. */
export function CompletionBar({ name, labeled, total, size = 'thin' }: CompletionBarProps) {
  const { percent, text } = completion(labeled, total);
  const done = total > 0 && labeled >= total;
  return (
    <span
      className={`completion is-${size}${done ? ' is-done' : ''}`}
      role="progressbar"
      aria-label={`Completion of ${name}: ${text}`}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={Math.min(labeled, total)}
      aria-valuetext={text}
      title={`${text} (${percent}%)`}
    >
      <span className="completion-fill" style={{ width: `${total > 0 ? Math.min(100, (labeled / total) * 100) : 0}%` }} />
    </span>
  );
}
