import type { ReactNode } from 'react';
import './left-panel.css';

export type LeftTab = 'folders' | 'metrics' | 'duplicates' | 'progress';
export const isLeftTab = (v: unknown): v is LeftTab => v === 'folders' || v === 'metrics' || v === 'duplicates' || v === 'progress';

export interface LeftPanelProps {
  tab: LeftTab;
  onTab: (tab: LeftTab) => void;
  /** Count of active metric ranges, shown on the Metrics tab. */
  metricFilters: number;
  folders: ReactNode;
  metrics: ReactNode;
  progress: ReactNode;
}

/**
 * The left panel: a small tool rail switching between the folder tree (with smart folders), metrics,
 * Duplicates (which shows the folder tree beside it, to choose the folder searched) and progress.
 */
export function LeftPanel({ tab, onTab, metricFilters, folders, metrics, progress }: LeftPanelProps) {
  return (
    <>
      <div className="left-rail" role="tablist" aria-label="Left panel">
        <button type="button" role="tab" aria-selected={tab === 'folders'} className={tab === 'folders' ? 'is-on' : ''} onClick={() => onTab('folders')}>
          Folders
        </button>
        <button type="button" role="tab" aria-selected={tab === 'metrics'} className={tab === 'metrics' ? 'is-on' : ''} onClick={() => onTab('metrics')}>
          Metrics
          {metricFilters > 0 ? <span className="left-rail-badge">{metricFilters}</span> : null}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'duplicates'} className={tab === 'duplicates' ? 'is-on' : ''} onClick={() => onTab('duplicates')}>
          Duplicates
        </button>
        <button type="button" role="tab" aria-selected={tab === 'progress'} className={tab === 'progress' ? 'is-on' : ''} onClick={() => onTab('progress')}>
          Progress
        </button>
      </div>
      <div className="left-body" role="tabpanel">
        {tab === 'metrics' ? metrics : tab === 'progress' ? progress : folders}
      </div>
    </>
  );
}
