import type { ReactNode } from 'react';
import './left-panel.css';

export type LeftTab = 'folders' | 'metrics';
export const isLeftTab = (v: unknown): v is LeftTab => v === 'folders' || v === 'metrics';

export interface LeftPanelProps {
  tab: LeftTab;
  onTab: (tab: LeftTab) => void;
  /** Count of active metric ranges, shown on the Metrics tab. */
  metricFilters: number;
  folders: ReactNode;
  metrics: ReactNode;
}

/** The left panel: a small tool rail switching between the folder tree (with smart folders) and metrics. */
export function LeftPanel({ tab, onTab, metricFilters, folders, metrics }: LeftPanelProps) {
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
      </div>
      <div className="left-body" role="tabpanel">
        {tab === 'folders' ? folders : metrics}
      </div>
    </>
  );
}
