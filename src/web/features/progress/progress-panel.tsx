import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { Filter } from '../../../protocol/query.js';
import { useCan } from '../../api/auth-api.js';
import { statsQuery } from '../../api/progress-api.js';
import { CompletionBar } from '../../components/completion-bar.js';
import type { FeedEntry } from '../../lib/activity-feed.js';
import { completion } from '../../lib/progress-model.js';
import { ActivityList } from './activity-list.js';
import { PeopleTable } from './people-table.js';
import { FlagBars, HourlyChart, StarBars, TopTags } from './stats-sections.js';
import { TeamAdmin } from './team-admin.js';
import './progress.css';

export interface ProgressPanelProps {
  /** The folder on screen. */
  path: string;
  /** Its name, or the smart folder's. */
  scopeName: string;
  /** The filters on screen (a smart folder's among them): stats count the filtered set. */
  filters: Filter[];
  /** With filters, whether subfolders are in the set; a plain folder always counts its subtree. */
  recursive: boolean;
  /** The smart folder on screen, when it is one: what the admin assigns. */
  view: { id: string; name: string } | null;
  feed: FeedEntry[];
  onOpenItem: (path: string) => void;
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="pg-section" aria-label={title} data-testid={testId}>
      <h3 className="pg-title">{title}</h3>
      {children}
    </section>
  );
}

/**
 * How far the folder or smart folder on screen is: completion, stars and flags, top tags, who
 * did what, the 7-day hourly activity and the recent changes; admins also assign it and say what
 * counts as labeled. Everything follows the event stream (use-progress-live.ts).
 */
export function ProgressPanel({ path, scopeName, filters, recursive, view, feed, onOpenItem }: ProgressPanelProps) {
  const filtered = filters.length > 0;
  const subtree = !filtered || recursive;
  const stats = useQuery(statsQuery(path, subtree, filters));
  const can = useCan();
  const s = stats.data;
  const done = s ? completion(s.labeled, s.total) : null;
  return (
    <div className="progress-panel" data-testid="progress-panel">
      <header className="pg-head">
        <div className="pg-scope" title={path}>
          {view ? view.name : scopeName}
          {filtered && !view ? <span className="pg-scope-note"> · filtered</span> : null}
        </div>
        {s && done ? (
          <>
            <div className="pg-big">
              <span className="pg-percent" data-testid="progress-percent">
                {done.percent}%
              </span>
              <span className="pg-count" data-testid="progress-count">
                {done.text}
              </span>
            </div>
            <CompletionBar name={view ? view.name : scopeName} labeled={s.labeled} total={s.total} size="wide" />
          </>
        ) : stats.isError ? (
          <p className="pg-error">Progress is unavailable here.</p>
        ) : (
          <p className="pg-empty">Loading…</p>
        )}
      </header>
      {s ? (
        <>
          <Section title="Stars">
            <StarBars stats={s} />
          </Section>
          <Section title="Flags">
            <FlagBars stats={s} />
          </Section>
          <Section title="Top tags">
            <TopTags stats={s} />
          </Section>
          <Section title="People" testId="progress-people">
            <PeopleTable path={path} stats={s} subtree={!filtered} />
          </Section>
          <Section title="Activity, last 7 days">
            <HourlyChart stats={s} />
          </Section>
        </>
      ) : null}
      <Section title="Recent changes">
        <ActivityList feed={feed} scope={path} onOpenItem={onOpenItem} />
      </Section>
      {can.admin ? (
        <Section title="Assignment" testId="progress-assignment">
          <TeamAdmin scope={view ? { kind: 'view', id: view.id } : { kind: 'folder', path }} scopeName={view ? view.name : scopeName} />
        </Section>
      ) : null}
    </div>
  );
}
