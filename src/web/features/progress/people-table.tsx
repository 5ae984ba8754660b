import { useQuery } from '@tanstack/react-query';
import type { StatsResponse } from '../../../protocol/progress.js';
import { fetchDaily, progressKeys } from '../../api/progress-api.js';
import { formatCount } from '../../components/format.js';
import { personRows } from '../../lib/person-table.js';

/**
 * Label writes per person today, over 7 days and in all time (UTC days). The days come from the
 * per-day export of the folder; without it (a role that may not export) today and 7 days show "–".
 */
export function PeopleTable({ path, stats, subtree }: { path: string; stats: StatsResponse; subtree: boolean }) {
  // The export is per folder subtree: for a filtered set it would count what the filters leave out.
  const daily = useQuery({ queryKey: progressKeys.daily(path), queryFn: ({ signal }) => fetchDaily(path, signal), staleTime: 5 * 60_000, retry: false, enabled: subtree });
  const rows = personRows(stats.by_user, daily.data ?? [], Date.now());
  if (!rows.length) return <p className="pg-empty">Nobody has labeled here yet.</p>;
  const days = subtree && daily.data !== undefined;
  return (
    <table className="pg-people" aria-label="Edits per person">
      <thead>
        <tr>
          <th scope="col">Person</th>
          <th scope="col">Today</th>
          <th scope="col">7 days</th>
          <th scope="col">All time</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.user} data-testid={`progress-person-${r.user}`} title={`${r.items} labeled items last changed by ${r.user}`}>
            <th scope="row">{r.user}</th>
            <td>{days ? formatCount(r.today) : '–'}</td>
            <td>{days ? formatCount(r.week) : '–'}</td>
            <td>{formatCount(r.all)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
